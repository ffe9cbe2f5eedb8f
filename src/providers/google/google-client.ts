/**
 * The part of `@google/genai`'s `GoogleGenAI` client that parallellm calls.
 * Pass a real client (`new GoogleGenAI({ vertexai: true, project, location })`).
 * It is declared here, as Kysely's `SqliteDatabase` is for better-sqlite3, so
 * that parallellm's types do not load the SDK's, which need the DOM library
 * (`RequestInfo`, `HeadersInit`…) that a Node project leaves out.
 */
export interface GoogleClient {
  readonly models: {
    generateContent(parameters: { readonly model: string }): Promise<unknown>;
    generateContentStream(parameters: { readonly model: string }): Promise<AsyncIterable<unknown>>;
    embedContent(parameters: { readonly model: string }): Promise<unknown>;
  };
  readonly batches: {
    create(parameters: { readonly model?: string | undefined }): Promise<unknown>;
    createEmbeddings(parameters: { readonly model?: string | undefined }): Promise<unknown>;
    get(parameters: { readonly name: string }): Promise<unknown>;
    list(parameters?: object): Promise<unknown>;
    cancel(parameters: { readonly name: string }): Promise<unknown>;
  };
}
