/**
 * How a raw provider response is kept: its JSON text, deflated (raw deflate,
 * level 1). Chosen by measurement (bench/raw-codec.ts, BENCHMARKS.md): on
 * realistic bodies (about 0.9 KB) it keeps them as small as brotli or gzip at
 * the levels tried, and costs least to write.
 */
import { deflateRawSync, inflateRawSync, type ZlibOptions } from "node:zlib";

/**
 * A 4 KB window and a small hash table cover a response body of a few KB as
 * well as the defaults do, for a fraction of their set-up per call; 1 KB output
 * chunks, because the result is a view of its chunk and keeps the whole chunk
 * alive (with the default 16 KB, 50,000 answers pinned 800 MB until collected).
 */
const deflateOptions: ZlibOptions = { level: 1, windowBits: 12, memLevel: 4, chunkSize: 1024 };

/** `raw` (JSON text) compressed for the store. */
export function compressRaw(raw: string): Buffer {
  return deflateRawSync(raw, deflateOptions);
}

/** A stored raw response, as the JSON text it was. */
export function decompressRaw(stored: Uint8Array): string {
  return inflateRawSync(stored).toString("utf8");
}
