/**
 * embeddings: 100,000 stored vectors (1,000 agents embedding 100 texts each),
 * replayed. Floor: hashing the same texts plus a raw better-sqlite3 point lookup of
 * each vector (read into a Float32Array), in this run. Also the store's bytes per
 * vector against the vector's raw float bytes.
 */

import { spawnSync } from "node:child_process";
import { hash as digest } from "node:crypto";
import { statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { Parallellm } from "parallellm";
import { MockProvider } from "parallellm/testing";
import { type Figure, peakRssMb, time, withTempDirectory } from "./bench-util.js";

const agents = Number(process.env.EMBED_AGENTS ?? 1000);
const textsPerAgent = Number(process.env.EMBED_TEXTS ?? 100);
/** text-embedding-3-small's length; fewer (`EMBED_DIMENSIONS=256`) on a small disk. */
const dimensions = Number(process.env.EMBED_DIMENSIONS ?? 1536);
const model = "mock-embed";

const textOf = (agent: number, line: number) => `Passage ${line} of document ${agent}: a sentence worth a vector.`;
const options = { llm: "mock-1", maxConcurrency: 256, summary: false } as const;

/** Each agent embeds its texts in one call; resolves to the sum of the first float of every vector. */
async function pipeline(pllm: Parallellm): Promise<number> {
  let sum = 0;
  await pllm.forEach(
    Array.from({ length: agents }, (_, index) => index),
    (index) => `doc-${index}`,
    async (index, agent) => {
      const texts = Array.from({ length: textsPerAgent }, (_, line) => textOf(index, line));
      const vectors = await agent.embed(texts, { model, dimensions });
      for (const vector of vectors) sum += vector[0]!;
    },
  );
  return sum;
}

/** The first run, which stores every vector; run in a child process so it does not count in this one's memory. */
async function fillWorkspace(workspace: string): Promise<void> {
  const pllm = await Parallellm.open(workspace, { ...options, providers: { mock: new MockProvider() } });
  await pipeline(pllm);
  await pllm.close();
}

/** The same vectors in a plain table keyed by agent and the text's hash; then, timed, a hash and a point lookup per text. */
function floor(store: string, path: string): number {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE vectors (agent TEXT, hash TEXT, vector BLOB, PRIMARY KEY (agent, hash))");
  const source = new Database(store, { readonly: true });
  const rows = source
    .prepare("SELECT c.agent, c.canonical, r.vector FROM calls c JOIN responses r ON r.id = c.response_id")
    .raw(true)
    .iterate() as IterableIterator<[string, string, Buffer]>;
  const insert = db.prepare("INSERT INTO vectors VALUES (?, ?, ?)");
  db.transaction(() => {
    for (const [agent, canonical, vector] of rows) {
      const { text } = JSON.parse(canonical) as { text: string };
      insert.run(agent, digest("sha256", text, "base64url"), vector);
    }
  })();
  source.close();
  const lookup = db.prepare("SELECT vector FROM vectors WHERE agent = ? AND hash = ?").pluck(true);
  const started = performance.now();
  let sum = 0;
  for (let agent = 0; agent < agents; agent++) {
    for (let line = 0; line < textsPerAgent; line++) {
      const hash = digest("sha256", textOf(agent, line), "base64url");
      const bytes = lookup.get(`doc-${agent}`, hash) as Buffer;
      sum += new Float32Array(new Uint8Array(bytes).buffer)[0]!;
    }
  }
  const ms = performance.now() - started;
  db.close();
  return Number.isFinite(sum) ? ms : Number.NaN;
}

export async function embeddingsBenchmark(): Promise<Figure[]> {
  return withTempDirectory(async (directory) => {
    const workspace = join(directory, "embeddings");
    const fill = await time(() => {
      const child = spawnSync(
        process.execPath,
        ["--import", "tsx", fileURLToPath(import.meta.url), "fill", workspace],
        {
          stdio: "inherit",
        },
      );
      if (child.status !== 0) throw new Error(`filling the embeddings workspace failed (${child.status})`);
    });
    const replayOnce = () =>
      time(async () => {
        const pllm = await Parallellm.open(workspace, { ...options, providers: { mock: new MockProvider() } });
        await pipeline(pllm);
        return pllm.close();
      });
    let best = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 3; round++) {
      const replay = await replayOnce();
      if (replay.result.sent !== 0) throw new Error(`replay sent ${replay.result.sent} calls`);
      best = Math.min(best, replay.ms);
    }
    const store = join(workspace, "store.sqlite");
    const floorMs = Math.min(
      floor(store, join(directory, "floor-1.sqlite")),
      floor(store, join(directory, "floor-2.sqlite")),
    );
    const total = agents * textsPerAgent;
    const db = new Database(store);
    db.pragma("wal_checkpoint(TRUNCATE)");
    const vectorBytes = db.prepare("SELECT sum(length(vector)) FROM responses").pluck(true).get() as number;
    db.close();
    const storeBytes = statSync(store).size;
    const rawBytes = dimensions * 4;
    return [
      {
        benchmark: "embeddings",
        metric: `first run in a child process (${total} texts embedded by the in-process mock)`,
        value: fill.ms,
        unit: "ms",
      },
      {
        benchmark: "embeddings",
        metric: `replay wall time (${total} texts, ${agents} agents)`,
        value: best,
        unit: "ms",
      },
      {
        benchmark: "embeddings",
        metric: "floor: sha256 + raw SQLite point lookup of the vector",
        value: floorMs,
        unit: "ms",
      },
      { benchmark: "embeddings", metric: "ratio replay / floor", value: best / floorMs, unit: "x" },
      { benchmark: "embeddings", metric: "replay per text", value: (best * 1000) / total, unit: "µs" },
      {
        benchmark: "embeddings",
        metric: `raw float bytes per vector (${dimensions} dimensions)`,
        value: rawBytes,
        unit: "B",
      },
      { benchmark: "embeddings", metric: "vector column bytes per vector", value: vectorBytes / total, unit: "B" },
      {
        benchmark: "embeddings",
        metric: "store file bytes per vector (everything)",
        value: storeBytes / total,
        unit: "B",
      },
      {
        benchmark: "embeddings",
        metric: "ratio store bytes / raw float bytes",
        value: storeBytes / total / rawBytes,
        unit: "x",
      },
      { benchmark: "embeddings", metric: "peak RSS", value: peakRssMb(), unit: "MB" },
    ];
  });
}

if (process.argv[2] === "fill") await fillWorkspace(process.argv[3]!);
