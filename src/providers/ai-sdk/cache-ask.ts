/**
 * What the cache middleware asks for one `doGenerate`: the prompt as documents
 * (what `pllm show` shows), and a `salt` that is the digest of every call
 * option that shapes the answer, so two calls share an answer exactly when
 * the model would get the same request, whatever the prompt holds that
 * documents cannot (reasoning, provider options, top-k...).
 */
import type { LanguageModelV3CallOptions, LanguageModelV3Prompt } from "@ai-sdk/provider";
import { canonicalJson, sha256 } from "../../core/canonical.js";
import type { Document } from "../../documents/document.js";

/** The documents and the salt of one call. */
export interface CacheAsk {
  readonly documents: readonly Document[];
  readonly salt: string;
}

/** The ask that stands for `params`. */
export function cacheAsk(params: LanguageModelV3CallOptions): CacheAsk {
  return { documents: _documentsOf(params.prompt), salt: `ai-sdk:${sha256(canonicalJson(_shaping(params)))}` };
}

/** The prompt as one JSON text: the document of a prompt that is no valid ask as messages (an empty message). */
export function promptAsJson(prompt: LanguageModelV3Prompt): readonly Document[] {
  return [JSON.stringify(_plain(prompt))];
}

// --- internal ---

/** Options that do not shape the answer: how it is sent and received. */
const _notShaping = new Set(["abortSignal", "headers", "includeRawChunks"]);

/** The options that shape the answer, as JSON data (bytes as base64, URLs as text). */
function _shaping(params: LanguageModelV3CallOptions): unknown {
  const shaping: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) if (!_notShaping.has(key)) shaping[key] = _plain(value);
  return shaping;
}

function _plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString("base64") };
  if (value instanceof URL) return { $url: value.href };
  if (Array.isArray(value)) return value.map(_plain);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, _plain(member)]));
  }
  return value;
}

/**
 * The prompt as documents, without what documents do not hold (the salt covers
 * it): provider options, reasoning, approvals, provider-executed tools.
 */
function _documentsOf(prompt: LanguageModelV3Prompt): readonly Document[] {
  const documents = prompt.map((message) => ({
    role: message.role,
    content:
      typeof message.content === "string"
        ? message.content
        : message.content.filter(_shown).map(({ providerOptions: _options, ...part }) => _toolOutput(part)),
  }));
  return documents as Document[];
}

function _shown(part: { readonly type: string; readonly providerExecuted?: boolean }): boolean {
  if (part.type === "reasoning" || part.type === "tool-approval-response") return false;
  return part.providerExecuted !== true;
}

/** A tool output documents cannot hold (content parts, a denial) shown as JSON text. */
function _toolOutput<Part extends { readonly type: string }>(part: Part): Part {
  if (part.type !== "tool-result") return part;
  const output = (part as unknown as { output: { type: string } }).output;
  if (["text", "json", "error-text", "error-json"].includes(output.type)) return part;
  return { ...part, output: { type: "text", value: JSON.stringify(_plain(output)) } };
}
