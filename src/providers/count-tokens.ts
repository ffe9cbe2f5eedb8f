/**
 * Input tokens of a request before it is sent: OpenAI's own tokenizer
 * (js-tiktoken, `o200k_base` for current models, `cl100k_base` for older ones),
 * and for Anthropic and Gemini — whose tokenizers are not published for offline
 * use — the documented estimate of 4 characters per token.
 */
import type { LLMRequest } from "../core/llm.js";

export interface TokenCount {
  readonly tokens: number;
  /** `"o200k_base"`, `"cl100k_base"`, or `"estimate"` (characters / 4). */
  readonly method: string;
}

type Encoder = { encode(text: string): number[] };
const encoders = new Map<string, Promise<Encoder>>();

/** The text a request sends, as the model reads it (binary parts count by size elsewhere). */
export function requestText(request: LLMRequest): string {
  const parts: string[] = [];
  if (request.instructions) parts.push(request.instructions);
  for (const message of request.messages) {
    for (const part of message.content) {
      if (part.type === "text") parts.push(part.text);
      else if (part.type === "tool-call") parts.push(part.name, JSON.stringify(part.args));
      else if (part.type === "tool-result")
        parts.push(typeof part.output === "string" ? part.output : JSON.stringify(part.output));
    }
  }
  if (request.schema) parts.push(JSON.stringify(request.schema.jsonSchema));
  for (const tool of request.tools ?? [])
    parts.push(tool.name, tool.description ?? "", JSON.stringify(tool.parameters));
  return parts.join("\n");
}

export async function countInputTokens(request: LLMRequest): Promise<TokenCount> {
  const text = requestText(request);
  // Each message carries a few tokens of framing (role markers), as OpenAI's cookbook counts them;
  // an embedding's text is read as it is.
  const framing = request.embedding ? 0 : 3 + request.messages.length * 4;
  const encoding = request.provider === "openai" ? encodingFor(request.model) : undefined;
  if (!encoding) return { tokens: Math.ceil(text.length / 4) + framing, method: "estimate" };
  const encoder = await loadEncoder(encoding);
  return { tokens: encoder.encode(text).length + framing, method: encoding };
}

function encodingFor(model: string): "o200k_base" | "cl100k_base" {
  return /^(gpt-4-|gpt-4$|gpt-3\.5|text-embedding)/.test(model) ? "cl100k_base" : "o200k_base";
}

function loadEncoder(encoding: "o200k_base" | "cl100k_base"): Promise<Encoder> {
  let encoder = encoders.get(encoding);
  if (!encoder) {
    // Loaded on first use: the rank tables are large and only a dry run needs them.
    encoder = (async () => {
      const { Tiktoken } = await import("js-tiktoken/lite");
      const ranks =
        encoding === "o200k_base"
          ? (await import("js-tiktoken/ranks/o200k_base")).default
          : (await import("js-tiktoken/ranks/cl100k_base")).default;
      return new Tiktoken(ranks);
    })();
    encoders.set(encoding, encoder);
  }
  return encoder;
}
