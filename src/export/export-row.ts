/**
 * One exported call: the row type of `reader.exportRows()` and of every export
 * format, and its columns in order, each with the kind of value it holds (which
 * the writers turn into their own types: CSV text, JSON values, Parquet types).
 */
import type { ToolCall } from "../core/llm.js";
import type { CallFilter, CallStatus } from "../store/workspace-reader.js";

/** One call of a workspace, flattened for a data file; `undefined` where the call has no such value. */
export interface ExportRow {
  /** The call's row id once an answer was stored (`pllm show <id>`). */
  readonly id: number | undefined;
  readonly agent: string;
  /** The request hash (with `agent` and `occurrence`, the call's identity). */
  readonly hash: string;
  readonly occurrence: number;
  /** The session its status rests on: the one that stored its answer, holds its batch, or recorded its last failure. */
  readonly session: number | undefined;
  readonly status: CallStatus;
  readonly provider: string | undefined;
  readonly model: string | undefined;
  /** The system instructions as sent. */
  readonly instructions: string | undefined;
  /**
   * The messages as text: one user message is its text; several are each
   * `user: …` / `assistant: …`, separated by a blank line. Images and files are a
   * short note (`[image image/png, 68 bytes]`), never their bytes; tool calls and
   * results are `[tool call name {args}]` and `[tool result name: output]`.
   * `undefined` when the request's messages were not stored (`hashBy` left them out).
   */
  readonly prompt: string | undefined;
  /** The answer's text. */
  readonly text: string | undefined;
  /**
   * The answer's text parsed as JSON, when the ask had a `schema` and the text is JSON
   * (a schema that `hashBy` leaves out of the hash is not stored, so its calls have none).
   */
  readonly value: unknown;
  /**
   * An embedding call's vector (`agent.embed`): an array of numbers in JSONL, a list of
   * floats in Parquet, and in CSV base64 of its 32-bit little-endian floats (a few
   * thousand numbers as text would swell each row past what CSV tools handle well).
   */
  readonly embedding: Float32Array | undefined;
  /** The answer's tool calls (`[]` for an answer without any). */
  readonly toolCalls: readonly ToolCall[] | undefined;
  /** Why the answer ended: `stop`, `length`, `tool-calls`, `content-filter`, `error` or `other`. */
  readonly finishReason: string | undefined;
  readonly inputTokens: number | undefined;
  readonly outputTokens: number | undefined;
  /** Of `inputTokens`, those read from the provider's prompt cache. */
  readonly cachedTokens: number | undefined;
  /** USD at the reader's prices, the batch discount applied; `undefined` for a model without a known price. */
  readonly cost: number | undefined;
  /** Whether the answer came through a provider batch. */
  readonly viaBatch: boolean | undefined;
  /** From sending to receiving the answer, in milliseconds (for a batch answer: from the batch's creation). */
  readonly latencyMs: number | undefined;
  /** The latest batch the call went in (`pllm batches`). */
  readonly batch: number | undefined;
  /** That batch's id at the provider. */
  readonly providerBatchId: string | undefined;
  /** Failed attempts recorded for the call. */
  readonly failures: number;
  /** The latest failure's message, for a call without an answer whose latest attempt failed. */
  readonly error: string | undefined;
  /** When the request was sent, in milliseconds since the epoch. */
  readonly sentAt: number | undefined;
  /** When the answer was received. */
  readonly receivedAt: number | undefined;
}

/** What a column holds: the writers map each kind to their own type. */
export type ExportColumnKind = "string" | "integer" | "number" | "boolean" | "json" | "timestamp" | "vector";

/** Every column of an export, in order, with its kind; the compiler keeps it in step with `ExportRow`. */
export const exportColumns = {
  id: "integer",
  agent: "string",
  hash: "string",
  occurrence: "integer",
  session: "integer",
  status: "string",
  provider: "string",
  model: "string",
  instructions: "string",
  prompt: "string",
  text: "string",
  value: "json",
  embedding: "vector",
  toolCalls: "json",
  finishReason: "string",
  inputTokens: "integer",
  outputTokens: "integer",
  cachedTokens: "integer",
  cost: "number",
  viaBatch: "boolean",
  latencyMs: "integer",
  batch: "integer",
  providerBatchId: "string",
  failures: "integer",
  error: "string",
  sentAt: "timestamp",
  receivedAt: "timestamp",
} as const satisfies { readonly [name in keyof ExportRow]-?: ExportColumnKind };

/** The names of `exportColumns`, in order. */
export const exportColumnNames = Object.keys(exportColumns) as readonly (keyof ExportRow)[];

/** The file formats an export writes. */
export const exportFormats = ["jsonl", "csv", "parquet"] as const;

export type ExportFormat = (typeof exportFormats)[number];

/** What `reader.export()` takes: the format, the file, and the filters of `calls`. */
export interface ExportOptions extends CallFilter {
  readonly format: ExportFormat;
  /** The file to write; written as `<out>.partial` first and renamed once whole. */
  readonly out: string;
  /** Replace `out` when it exists. @default false */
  readonly force?: boolean | undefined;
}

/** What an export wrote. */
export interface ExportResult {
  readonly rows: number;
  readonly bytes: number;
}
