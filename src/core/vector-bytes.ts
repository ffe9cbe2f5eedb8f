/**
 * Embeddings as bytes: 32-bit floats, little-endian, as the store keeps them
 * (a SQLite BLOB, a PostgreSQL BYTEA: 4 bytes a dimension, where JSON text
 * takes about 20) and as providers send them in base64.
 */
import { endianness } from "node:os";

const littleEndian = endianness() === "LE";

/** `vector` as little-endian bytes (a Buffer, which both database drivers bind as binary). */
export function encodeVector(vector: Float32Array): Buffer {
  const copy = Buffer.from(Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
  return littleEndian ? copy : copy.swap32();
}

/** Bytes as the vector they hold (copied: a driver's buffer may be pooled and unaligned). */
export function decodeVector(stored: Uint8Array): Float32Array {
  if (stored.byteLength % 4 !== 0) {
    throw new Error(
      `An embedding of ${stored.byteLength} bytes is not a run of 32-bit floats (a multiple of 4 bytes).`,
    );
  }
  const copy = new Uint8Array(stored);
  if (!littleEndian) Buffer.from(copy.buffer).swap32();
  return new Float32Array(copy.buffer);
}
