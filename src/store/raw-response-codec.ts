/**
 * How a raw provider response is kept: its JSON text, deflated (raw deflate,
 * level 1). Chosen by measurement (bench/raw-codec.ts, BENCHMARKS.md): on
 * realistic bodies of about 0.9 KB it keeps them as small as brotli or gzip at
 * any level tried, and level 1 costs least to write.
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";

/** `raw` (JSON text) compressed for the store. */
export function compressRaw(raw: string): Buffer {
  return deflateRawSync(raw, { level: 1 });
}

/** A stored raw response, as the JSON text it was. */
export function decompressRaw(stored: Uint8Array): string {
  return inflateRawSync(stored).toString("utf8");
}
