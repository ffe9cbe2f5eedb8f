/**
 * Export rows as a Parquet file (hyparquet-writer), written a row group at a
 * time: a group's rows are held as columns, written and flushed to the sink,
 * then dropped, so memory stays bounded however many calls are exported.
 * Integers are INT64, costs DOUBLE, timestamps INT64 TIMESTAMP_MILLIS (UTC),
 * JSON columns BYTE_ARRAY JSON, vectors a LIST of FLOAT; every column is optional
 * (null where a row has no value).
 */
import { type BasicType, ByteWriter, ParquetWriter, type SchemaElement, schemaFromColumnData } from "hyparquet-writer";
import { type ExportColumnKind, type ExportRow, exportColumnNames, exportColumns } from "./export-row.js";
import type { ExportSink } from "./export-sink.js";

/** Rows per row group: small enough to hold in memory, large enough to compress and scan well. */
export const parquetRowGroupRows = 10_000;

const parquetTypes: Record<Exclude<ExportColumnKind, "vector">, BasicType> = {
  string: "STRING",
  integer: "INT64",
  number: "DOUBLE",
  boolean: "BOOLEAN",
  json: "JSON",
  timestamp: "TIMESTAMP",
};

/** The columns' schema: the basic types as hyparquet-writer makes them, each vector a 3-level LIST of FLOAT. */
const schema: SchemaElement[] = schemaFromColumnData({ columnData: [] }).slice(0, 1);
schema[0] = { ...schema[0]!, num_children: exportColumnNames.length };
for (const name of exportColumnNames) {
  const kind = exportColumns[name];
  if (kind === "vector") {
    schema.push(
      { name, repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
      { name: "list", repetition_type: "REPEATED", num_children: 1 },
      { name: "element", type: "FLOAT", repetition_type: "REQUIRED" },
    );
  } else {
    schema.push(...schemaFromColumnData({ columnData: [{ name, data: [], type: parquetTypes[kind] }] }).slice(1));
  }
}

/** Writes rows to a sink as one Parquet file: `add` each row, then `finish` once. */
export class ParquetRows {
  readonly #writer: ParquetWriter;
  #columns: unknown[][] = emptyColumns();
  #rows = 0;

  constructor(sink: ExportSink) {
    this.#writer = new ParquetWriter({ writer: new SinkByteWriter(sink), schema, createdBy: "parallellm" });
  }

  async add(row: ExportRow): Promise<void> {
    for (let index = 0; index < exportColumnNames.length; index++) {
      const name = exportColumnNames[index];
      this.#columns[index].push(parquetValue(row[name], exportColumns[name]));
    }
    if (++this.#rows === parquetRowGroupRows) await this.#writeGroup();
  }

  /** Writes the last row group and the footer. */
  async finish(): Promise<void> {
    if (this.#rows > 0) await this.#writeGroup();
    await this.#writer.finish();
  }

  async #writeGroup(): Promise<void> {
    const columnData = exportColumnNames.map((name, index) => ({ name, data: this.#columns[index] }));
    this.#columns = emptyColumns();
    this.#rows = 0;
    await this.#writer.write({ columnData, rowGroupSize: parquetRowGroupRows });
  }
}

// --- internal ---

function emptyColumns(): unknown[][] {
  return exportColumnNames.map(() => []);
}

function parquetValue(value: unknown, kind: ExportColumnKind): unknown {
  if (value === undefined) return null;
  if (kind === "integer") return BigInt(value as number);
  if (kind === "timestamp") return Math.round(value as number);
  if (kind === "vector") return Array.from(value as Float32Array);
  return value;
}

/** hyparquet-writer's byte buffer, emptied into the sink whenever the writer flushes (after each row group). */
class SinkByteWriter extends ByteWriter {
  readonly #sink: ExportSink;

  constructor(sink: ExportSink) {
    super(1 << 20);
    this.#sink = sink;
  }

  flush(): Promise<void> {
    // A copy: the buffer is written over from its start as soon as this returns.
    const chunk = new Uint8Array(this.buffer.slice(0, this.index));
    this.index = 0;
    return this.#sink.write(chunk);
  }

  override finish(): Promise<void> {
    return this.flush();
  }
}
