/**
 * Reads a `generateContentStream`: each chunk is a GenerateContentResponse of
 * its own. Text deltas are handed on as they arrive, and the chunks are put
 * together into the response a non-streamed call returns: the first
 * candidate's parts (adjacent text joined), and the finish reason, usage and
 * ids of the last chunk.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */

type Json = Record<string, unknown>;

/** The response the chunks make up; `undefined` when the stream ended before a finish reason. */
export async function readGeminiStream(
  chunks: AsyncIterable<unknown>,
  onTextDelta: (delta: string) => void,
): Promise<Json | undefined> {
  let last: Json | undefined;
  let finished: Json | undefined;
  const parts: Json[] = [];
  for await (const chunk of chunks) {
    last = chunk as Json;
    const candidate = (last["candidates"] as Json[] | undefined)?.[0];
    if (candidate === undefined) continue;
    for (const part of ((candidate["content"] as Json | undefined)?.["parts"] as Json[] | undefined) ?? []) {
      const text = part["text"];
      if (typeof text === "string" && part["thought"] !== true) onTextDelta(text);
      const previous = parts.at(-1);
      if (typeof text === "string" && _isText(part) && previous !== undefined && _isText(previous)) {
        previous["text"] = `${previous["text"]}${text}`;
      } else {
        parts.push({ ...part });
      }
    }
    if (candidate["finishReason"] !== undefined) finished = candidate;
  }
  // A prompt blocked before any candidate ends without a finish reason: its feedback is the answer.
  if (finished === undefined) return last?.["promptFeedback"] === undefined ? undefined : last;
  return { ...last, candidates: [{ ...finished, content: { role: "model", parts } }] };
}

// --- internal ---

/** A plain text part (no thought, no signature), which may be joined with the next. */
function _isText(part: Json): boolean {
  return Object.keys(part).every((key) => key === "text");
}
