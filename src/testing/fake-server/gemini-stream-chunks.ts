/**
 * A GenerateContentResponse as `streamGenerateContent` sends it: one chunk per
 * piece of text, each a GenerateContentResponse of its own; function calls,
 * the finish reason and the whole usage come on the last chunk.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
import { arrayOf, objectOf } from "./json-shape.js";
import type { WireEvent } from "./provider-routes.js";
import { textPieces } from "./text-pieces.js";

/** The chunks that stream `response` (a rendered GenerateContentResponse), as `data:` events. */
export function geminiStreamChunks(response: Record<string, unknown>): WireEvent[] {
  const candidate = objectOf(arrayOf(response.candidates)[0]);
  const parts = arrayOf(objectOf(candidate.content).parts).map((part) => objectOf(part));
  const text = parts.map((part) => (typeof part.text === "string" ? part.text : "")).join("");
  const calls = parts.filter((part) => part.functionCall !== undefined);
  const usage = objectOf(response.usageMetadata);
  const { modelVersion, responseId } = response;
  const chunk = (chunkParts: unknown[], last: boolean): WireEvent => ({
    data: {
      candidates: [
        {
          content: { parts: chunkParts, role: "model" },
          ...(last ? { finishReason: candidate.finishReason, safetyRatings: candidate.safetyRatings } : {}),
          index: 0,
        },
      ],
      usageMetadata: last
        ? usage
        : { promptTokenCount: usage.promptTokenCount, totalTokenCount: usage.promptTokenCount },
      modelVersion,
      responseId,
    },
  });
  const pieces = textPieces(text);
  const lastPiece = pieces.pop();
  const events = pieces.map((piece) => chunk([{ text: piece }], false));
  events.push(chunk([...(lastPiece === undefined ? [] : [{ text: lastPiece }]), ...calls], true));
  return events;
}
