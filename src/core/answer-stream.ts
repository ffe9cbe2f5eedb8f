/**
 * A streamed answer as it arrives, attempt by attempt: the sender writes the
 * deltas in, each `textStream()` reads them out. Made only when a consumer asks
 * for a stream, so a call nobody streams builds none.
 */
import { StreamRestarted } from "./errors.js";

export class AnswerStream {
  /** Attempts that began streaming: a new one (a retry, the next model of the list) voids the last one's text. */
  attempt = 0;
  /** The current attempt's text so far. */
  text = "";
  #changed: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  /** An attempt begins streaming. */
  attemptStarted(): void {
    this.attempt++;
    this.text = "";
    this.#notify();
  }

  /** Text arrived on the current attempt. */
  delta(text: string): void {
    if (text === "") return;
    this.text += text;
    this.#notify();
  }

  /** Resolves at the next attempt or delta. */
  changed(): Promise<void> {
    this.#changed ??= new Promise((resolve) => {
      this.#wake = resolve;
    });
    return this.#changed;
  }

  #notify(): void {
    const wake = this.#wake;
    if (wake === undefined) return;
    this.#changed = undefined;
    this.#wake = undefined;
    wake();
  }
}

/**
 * The deltas of `stream` from the start of its current attempt, then what the
 * answer (as stored) has beyond them: the whole text as one delta when
 * the call was not streamed. Throws `StreamRestarted` when a new attempt (or a
 * different stored answer) voids text already yielded, and the call's error
 * when it fails.
 */
export async function* readAnswerStream(stream: AnswerStream, answer: () => Promise<string>, agent: string) {
  // Awaited only once iterated: a stream asked for and never read waits for nothing (and leaves no unhandled rejection).
  const done = answer();
  let settled = false;
  const ended = done.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  let attempt = stream.attempt;
  let yielded = "";
  for (;;) {
    if (stream.attempt !== attempt) {
      if (yielded !== "") throw _restarted(agent, yielded.length);
      attempt = stream.attempt;
    }
    if (yielded.length < stream.text.length) {
      const delta = stream.text.slice(yielded.length);
      yielded = stream.text;
      yield delta;
      continue;
    }
    if (settled) break;
    await Promise.race([stream.changed(), ended]);
  }
  const text = await done;
  if (!text.startsWith(yielded)) throw _restarted(agent, yielded.length);
  if (text.length > yielded.length) yield text.slice(yielded.length);
}

/** Objects of JSON text as it streams: each parse of a longer prefix that differs from the last. */
export async function* readPartialJson(texts: AsyncIterable<string>): AsyncGenerator<unknown> {
  // The OpenAI SDK's own partial-JSON parser, loaded when a partial value is first asked for.
  const { partialParse } = await import("openai/_vendor/partial-json-parser/parser");
  let text = "";
  let last: string | undefined;
  for await (const delta of texts) {
    text += delta;
    const json = _unfenced(text);
    if (json === "") continue;
    let partial: unknown;
    try {
      partial = partialParse(json);
    } catch {
      // Not JSON (yet, or at all): value() says which at the end.
      continue;
    }
    const shown = JSON.stringify(partial);
    if (shown === last) continue;
    last = shown;
    yield partial;
  }
}

// --- internal ---

function _restarted(agent: string, characters: number): StreamRestarted {
  return new StreamRestarted(
    `The answer of agent "${agent}" is sent again after ${characters} characters of it streamed (its attempt was cut off and is retried, or the next model of the llm list answers): they are void. Call textStream() again to stream the new attempt from its start, or await text() for the answer as stored.`,
  );
}

/** The JSON inside an answer that may open with a code fence (value() tolerates fences too). */
function _unfenced(text: string): string {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("```")) return trimmed;
  const body = trimmed.replace(/^```(?:json)?\s*/, "");
  const close = body.indexOf("```");
  return (close === -1 ? body : body.slice(0, close)).trim();
}
