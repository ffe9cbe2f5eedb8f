/**
 * A downloaded JSONL body → its non-blank lines with their line numbers, in
 * small chunks as the bytes arrive: a 200 MB results file is never one string,
 * and each chunk can be parsed, stored and dropped while its objects are young
 * (cheap to collect, never promoted to the old heap).
 */

import { providerError } from "../../core/errors.js";
import type { ProviderName } from "../../core/llm.js";

export interface NumberedLine {
  readonly text: string;
  /** 1-based, counting blank lines, for warnings that say where a line was. */
  readonly number: number;
}

/** Chunks end at the first line boundary past this many characters. */
const chunkCharacters = 64 * 1024;

/** A body that breaks off mid-download throws a transient (retryable) `ProviderError` of `provider`. */
export async function* jsonLineChunks(
  body: AsyncIterable<Uint8Array> | null,
  provider: ProviderName,
): AsyncGenerator<NumberedLine[]> {
  if (!body) return;
  const decoder = new TextDecoder();
  let rest = "";
  let number = 0;
  let chunk: NumberedLine[] = [];
  let characters = 0;
  const add = (text: string) => {
    number++;
    const line = text.endsWith("\r") ? text.slice(0, -1) : text;
    if (line.trim() === "") return;
    chunk.push({ text: line, number });
    characters += line.length;
  };
  for await (const bytes of readOrExplain(body, provider, () => number)) {
    // Lines are cut from each decoded piece; only a line split across pieces is joined.
    const text = decoder.decode(bytes, { stream: true });
    let start = 0;
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
      add(start === 0 ? rest + text.slice(0, end) : text.slice(start, end));
      rest = "";
      start = end + 1;
    }
    rest += text.slice(start);
    if (characters >= chunkCharacters) {
      yield chunk;
      chunk = [];
      characters = 0;
    }
  }
  add(rest + decoder.decode());
  if (chunk.length > 0) yield chunk;
}

async function* readOrExplain(
  body: AsyncIterable<Uint8Array>,
  provider: ProviderName,
  linesRead: () => number,
): AsyncGenerator<Uint8Array> {
  try {
    yield* body;
  } catch (error) {
    throw providerError({
      provider,
      providerMessage: `the batch results download broke off after line ${linesRead()} (${(error as Error).message})`,
      cause: error,
    });
  }
}
