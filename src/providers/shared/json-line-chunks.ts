/**
 * A downloaded JSONL body → its non-blank lines with their line numbers, in
 * chunks of a few MB, as the bytes arrive: a 200 MB results file never has to
 * be one string, nor one array of lines.
 */

export interface NumberedLine {
  readonly text: string;
  /** 1-based, counting blank lines, for warnings that say where a line was. */
  readonly number: number;
}

/** Chunks end at the first line boundary past this many characters. */
const chunkCharacters = 4 * 1024 * 1024;

export async function* jsonLineChunks(body: AsyncIterable<Uint8Array> | null): AsyncGenerator<NumberedLine[]> {
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
  for await (const bytes of body) {
    const text = rest + decoder.decode(bytes, { stream: true });
    let start = 0;
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
      add(text.slice(start, end));
      start = end + 1;
    }
    rest = text.slice(start);
    if (characters >= chunkCharacters) {
      yield chunk;
      chunk = [];
      characters = 0;
    }
  }
  add(rest + decoder.decode());
  if (chunk.length > 0) yield chunk;
}
