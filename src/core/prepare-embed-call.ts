/**
 * From one text of `agent.embed` to its neutral request and identity. Each text
 * is a call of its own, so a rerun with one text changed embeds that one text
 * again and replays the rest; the hash covers what shapes the vector: provider
 * and model, the text, `dimensions` and `inputType` (not the provider's `api`,
 * which picks how asks are sent and never how texts are embedded).
 */
import type { ResolvedModel } from "./call-options.js";
import { type CanonicalForm, noDocuments, sha256, writeCanonical } from "./canonical.js";
import type { EmbeddingOptions, LLMRequest } from "./llm.js";
import type { PreparedCall } from "./prepare-call.js";

/** The shape every text of one `embed` shares: written once, not per text. */
export interface EmbedShape {
  readonly llm: ResolvedModel;
  readonly options: EmbeddingOptions;
}

/** The prepared call of one text (no fallbacks, no validator: an embedding has neither). */
export function prepareEmbedCall(text: string, shape: EmbedShape): PreparedCall {
  const { llm, options } = shape;
  const request: LLMRequest = {
    provider: llm.provider,
    model: llm.model,
    messages: [{ role: "user", content: [{ type: "text", text }] }],
    embedding: options,
  };
  const identity = {
    embed: { dimensions: options.dimensions, inputType: options.inputType },
    llm: { model: llm.model, provider: llm.provider },
    text,
    v: 1,
  };
  const documents = new Map<string, string>();
  const json = writeCanonical(identity, documents) as string;
  const canonical: CanonicalForm = { json, documents: documents.size === 0 ? noDocuments : documents };
  return { request, canonical, hash: sha256(json), llm, fallbacks: [], validator: undefined };
}

/** The text an embedding call embeds. */
export function embeddedText(request: LLMRequest): string {
  const part = request.messages[0]?.content[0];
  return part?.type === "text" ? part.text : "";
}
