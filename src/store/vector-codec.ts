/**
 * How an embedding is stored: its 32-bit floats, little-endian, as bytes (a
 * SQLite BLOB, a PostgreSQL BYTEA): 4 bytes a dimension, where JSON text takes
 * about 20.
 */
import { endianness } from "node:os";

const littleEndian = endianness() === "LE";

/** `vector` as little-endian bytes (a Buffer, which both database drivers bind as binary). */
export function encodeVector(vector: Float32Array): Buffer {
  const copy = Buffer.from(Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
  return littleEndian ? copy : copy.swap32();
}

/** Stored bytes as the vector they were (copied: a driver's buffer may be pooled and unaligned). */
export function decodeVector(stored: Uint8Array): Float32Array {
  if (stored.byteLength % 4 !== 0) {
    throw new Error(`A stored embedding has ${stored.byteLength} bytes, not a multiple of 4: the store is damaged.`);
  }
  const copy = new Uint8Array(stored);
  if (!littleEndian) Buffer.from(copy.buffer).swap32();
  return new Float32Array(copy.buffer);
}
