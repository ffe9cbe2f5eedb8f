/**
 * Vectors in exports: `reader.export` writes an embedding call's vector as a
 * Parquet LIST of FLOAT (read back by hyparquet), a JSONL array of numbers, and
 * base64 of its little-endian floats in CSV; its text is the row's prompt.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Parallellm } from "../src/index.js";
import type { WorkspaceReader } from "../src/store/workspace-reader.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempDirectory, tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;
let reader: WorkspaceReader;
const texts = ["first text", "second text"];
let vectors: Float32Array[];

beforeAll(async () => {
  server = await startFakeProviderServer();
  const directory = tempWorkspace();
  const pllm = await Parallellm.open(directory, { clients: server.clientsFor(), summary: false, llm: "gpt-4.1-mini" });
  vectors =
    (await pllm.agent("embedder", async (agent) => {
      const embedded = await agent.embed(texts, { model: "text-embedding-3-small", dimensions: 5 });
      await agent.ask("And a question.").text();
      return embedded;
    })) ?? [];
  await pllm.close();
  reader = await Parallellm.inspect(directory);
});
afterAll(async () => {
  await reader?.close();
  await server.close();
});

const asNumbers = (vector: Float32Array) => Array.from(vector);

/** The rows of the two texts embedded, then the ask's (an export lists calls in its own order). */
function byPrompt(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return [...texts, "And a question."].map((text) => rows.find((row) => row["prompt"] === text)!);
}

describe("export of embeddings", () => {
  it("Parquet: the embedding column is a list of floats that reads back exactly; an ask's is null", async () => {
    const out = join(tempDirectory(), "calls.parquet");
    expect(await reader.export({ format: "parquet", out })).toMatchObject({ rows: 3 });
    const bytes = readFileSync(out);
    const read = await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    });
    const rows = byPrompt(read);
    expect(rows.slice(0, 2).map((row) => row["embedding"])).toEqual(vectors.map(asNumbers));
    // hyparquet reads a null list as undefined.
    expect(Object.keys(rows[2]!)).toContain("embedding");
    expect(rows[2]?.["embedding"] ?? null).toBeNull();
  });

  it("JSONL: arrays of numbers", async () => {
    const out = join(tempDirectory(), "calls.jsonl");
    await reader.export({ format: "jsonl", out });
    const lines = readFileSync(out, "utf8").trim().split("\n");
    const rows = byPrompt(lines.map((line) => JSON.parse(line) as Record<string, unknown>));
    expect(rows.map((row) => row["embedding"])).toEqual([...vectors.map(asNumbers), null]);
  });

  it("CSV: base64 of the little-endian 32-bit floats", async () => {
    const out = join(tempDirectory(), "calls.csv");
    await reader.export({ format: "csv", out });
    const [header, ...lines] = readFileSync(out, "utf8").trim().split("\r\n");
    const column = header!.split(",").indexOf("embedding");
    const prompt = header!.split(",").indexOf("prompt");
    const byText = new Map(lines.map((line) => [line.split(",")[prompt], line.split(",")[column]]));
    const fields = [...texts, "And a question."].map((text) => byText.get(text));
    const decoded = fields.slice(0, 2).map((field) => {
      const bytes = Buffer.from(field!, "base64");
      return Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
    });
    expect(decoded).toEqual(vectors.map(asNumbers));
    expect(fields[2]).toBe("");
  });
});
