/**
 * The fake server's embeddings: a unit vector drawn deterministically from the
 * model, the length and the text (the same request always gets the same
 * vector, another text another), and the token count it reports.
 */
import { createHash } from "node:crypto";

/** The vector length a model gives when the request names none. */
export function defaultDimensions(model: string): number {
  if (model.includes("large") || model.startsWith("gemini-embedding")) return 3072;
  if (model.startsWith("text-embedding-004") || model.startsWith("embedding-")) return 768;
  return 1536;
}

/** A unit vector of `dimensions` floats for `text` embedded by `model` (with `inputType`, for models that embed by purpose). */
export function fakeEmbedding(model: string, text: string, dimensions: number, inputType = ""): Float32Array {
  const seed = createHash("sha256").update(`${model}\u0000${inputType}\u0000${text}`).digest();
  // xorshift32 seeded by the hash: fast, and the same sequence everywhere.
  let state = seed.readUInt32LE(0) || 1;
  const vector = new Float32Array(dimensions);
  let norm = 0;
  for (let index = 0; index < dimensions; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const value = (state >>> 0) / 0x1_0000_0000 - 0.5;
    vector[index] = value;
    norm += value * value;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let index = 0; index < dimensions; index++) vector[index]! *= scale;
  return vector;
}

/** Tokens the fake counts for a text: one per four characters, as `estimateRequestTokens` guesses. */
export function fakeTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
