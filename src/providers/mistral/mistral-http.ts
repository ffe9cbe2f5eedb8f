/**
 * Mistral's REST API over `fetch`, for its batch jobs and files (direct asks
 * go through the openai SDK). Sends the key as `Authorization: Bearer`, never
 * retries (strategies retry), and turns a failed response or a failed
 * connection into a classified `ProviderError`.
 *
 * @see https://docs.mistral.ai/api/
 */
import { providerError } from "../../core/errors.js";
import { parseRetryAfterMs } from "../shared/parse-retry-after.js";

/** Where and as whom to call; `apiKey` throws when there is none. */
export interface MistralEndpoint {
  readonly name: string;
  readonly baseURL: string;
  readonly apiKey: () => string;
  readonly apiKeyVariable: string;
}

/** One call: a JSON body or a form; `model` names the model in its errors. */
export interface MistralCall {
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly json?: unknown;
  readonly form?: FormData | undefined;
  readonly model?: string | undefined;
}

/** The response of a successful call (2xx); anything else throws a `ProviderError`. */
export async function mistralFetch(endpoint: MistralEndpoint, call: MistralCall): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${endpoint.apiKey()}` };
  if (call.json !== undefined) headers["content-type"] = "application/json";
  const body = call.json !== undefined ? JSON.stringify(call.json) : call.form;
  const details = { provider: endpoint.name, model: call.model, apiKeyVariable: endpoint.apiKeyVariable };
  let response: Response;
  try {
    response = await fetch(`${endpoint.baseURL.replace(/\/+$/, "")}${call.path}`, {
      method: call.method,
      headers,
      body,
    });
  } catch (error) {
    // No status: a network failure, which a retry may get past.
    throw providerError({ ...details, providerMessage: `connection failed (${String(error)})`, cause: error });
  }
  if (response.ok) return response;
  const text = await response.text().catch(() => "");
  const parsed = _errorBody(text);
  throw providerError({
    ...details,
    statusCode: response.status,
    providerMessage: parsed.message ?? (text.slice(0, 300) || response.statusText),
    requestId: response.headers.get("x-request-id") ?? parsed.requestId,
    retryAfterMs: parseRetryAfterMs(response.headers),
  });
}

/** The JSON body of a successful call. */
export async function mistralJson<T>(endpoint: MistralEndpoint, call: MistralCall): Promise<T> {
  const response = await mistralFetch(endpoint, call);
  return (await response.json()) as T;
}

// --- internal ---

/** Mistral's error bodies: `{ message }` (flat), `{ detail }` (validation), or OpenAI's `{ error: { message } }`. */
function _errorBody(text: string): { readonly message?: string | undefined; readonly requestId?: string | undefined } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof value !== "object" || value === null) return {};
  const record = value as Record<string, unknown>;
  const nested =
    typeof record.error === "object" && record.error !== null ? (record.error as Record<string, unknown>) : {};
  const message = [record.message, record.detail, nested.message].find((candidate) => candidate !== undefined);
  return {
    message: message === undefined ? undefined : typeof message === "string" ? message : JSON.stringify(message),
    requestId: typeof record.request_id === "string" ? record.request_id : undefined,
  };
}
