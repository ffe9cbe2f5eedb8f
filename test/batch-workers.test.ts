/**
 * Many worker processes of one pipeline sharing one PostgreSQL store, against
 * the fake provider server: batches (no call in two, each ingested once, a
 * crash between create and record adopted once) and a shared rate limit.
 */
import { spawn } from "node:child_process";
import { afterEach, expect, it } from "vitest";
import { postgresStore } from "../src/postgres.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import type { BatchWorkerSpec } from "./fixtures/batch-worker-child.js";
import { tempWorkspace } from "./helpers.js";
import { adminQuery, describePg, pgUrl, tempSchema } from "./postgres.js";

const child = new URL("./fixtures/batch-worker-child.ts", import.meta.url).pathname;
const models = ["gpt-4.1-mini", "claude-sonnet-4-6", "gemini-2.5-flash"];
const providers = ["openai", "anthropic", "google"] as const;

interface WorkerReport {
  readonly answers: number;
  readonly runs: number;
  readonly messages: Readonly<Record<string, number>>;
}

let server: FakeProviderServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type WorkerSpec = Omit<BatchWorkerSpec, "directory">;

/**
 * Runs workers to their end, started together once all are loaded: each one's
 * report, or `"killed"` for one that was SIGKILLed.
 */
async function runWorkers(specs: readonly WorkerSpec[]): Promise<(WorkerReport | "killed")[]> {
  const started = specs.map((spec) => {
    const worker = spawn(
      process.execPath,
      ["--import", "tsx", child, JSON.stringify({ ...spec, directory: tempWorkspace() })],
      { stdio: ["pipe", "pipe", "inherit"] },
    );
    let output = "";
    const ready = new Promise<void>((resolve) => {
      worker.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.startsWith("ready\n")) resolve();
      });
    });
    const ended = new Promise<WorkerReport | "killed">((resolve, reject) => {
      worker.on("exit", (code, signal) => {
        if (signal === "SIGKILL") resolve("killed");
        else if (code === 0) resolve(JSON.parse(output.slice("ready\n".length)) as WorkerReport);
        else reject(new Error(`a worker exited with ${code ?? signal}: ${output}`));
      });
    });
    return { worker, ready, ended };
  });
  await Promise.all(started.map(({ ready }) => ready));
  for (const { worker } of started) worker.stdin.end("go\n");
  return Promise.all(started.map(({ ended }) => ended));
}

/** `count` workers of `spec`, started together, each of which ended with a report. */
async function reportsOf(count: number, spec: WorkerSpec): Promise<WorkerReport[]> {
  return (await runWorkers(Array.from({ length: count }, () => spec))) as WorkerReport[];
}

/** A batch-mode worker of `items` items over the models, `rounds` rounds each, against `schema`. */
function batchSpec(schema: string, items: number, rounds: number, tag: string): WorkerSpec {
  return { server: server!.url, store: pgUrl!, schema, strategy: "batch", items, rounds, models, tag };
}

/** Every prompt the fake server received inside a batch, once per batch it was in. */
function batchedPrompts(): string[] {
  return providers.flatMap((provider) =>
    server!.batchesOf(provider).flatMap((batch) => batch.items.map((item) => item.context.prompt)),
  );
}

const batchCount = () => providers.reduce((total, provider) => total + server!.batchesOf(provider).length, 0);

/** Answers stored per call: one each, whoever ingested. */
async function answersPerCall(schema: string): Promise<{ calls: number; answers: number; twice: number }> {
  const [[calls, answers, twice]] = (await adminQuery(
    `SELECT (SELECT count(*) FROM ${schema}.calls WHERE response_id IS NOT NULL)::int,
       (SELECT count(*) FROM ${schema}.responses)::int,
       (SELECT count(*) FROM (SELECT call_id FROM ${schema}.responses GROUP BY call_id HAVING count(*) > 1) AS t)::int`,
  )) as [[number, number, number]];
  return { calls, answers, twice };
}

/** A fresh schema, migrated already, so the workers start together rather than one after the migration. */
async function migratedSchema(): Promise<string> {
  const schema = tempSchema();
  const store = postgresStore(pgUrl, { schema });
  await store.migrated;
  await store.close();
  return schema;
}

const sum = (reports: readonly WorkerReport[], message: string) =>
  reports.reduce((total, report) => total + (report.messages[message] ?? 0), 0);

describePg("many workers of one pipeline on one PostgreSQL store", () => {
  it("4 workers in batch mode: no call in two batches, each batch ingested once, every worker ends with all answers", async () => {
    server = await startFakeProviderServer();
    const schema = await migratedSchema();
    const items = 120;
    const spec = batchSpec(schema, items, 2, "shared");
    const reports = await reportsOf(4, spec);

    for (const report of reports) expect(report.answers).toBe(items);
    const prompts = batchedPrompts();
    expect(prompts.length).toBe(items * 2);
    expect(new Set(prompts).size).toBe(prompts.length);
    expect(sum(reports, "batch ingested")).toBe(batchCount());
    expect(await answersPerCall(schema)).toEqual({ calls: items * 2, answers: items * 2, twice: 0 });
  }, 120_000);

  it("a worker killed between creating a batch and recording it: the others adopt the batch once", async () => {
    server = await startFakeProviderServer();
    const schema = await migratedSchema();
    const items = 60;
    const spec = batchSpec(schema, items, 1, "crash");
    expect(await runWorkers([{ ...spec, killAfterCreate: true }])).toEqual(["killed"]);
    expect(batchCount()).toBe(1);
    const [[state, providerBatchId]] = (await adminQuery(`SELECT state, provider_batch_id FROM ${schema}.batches`)) as [
      [string, string | null],
    ];
    expect([state, providerBatchId]).toEqual(["submitting", null]);

    const reports = await reportsOf(3, spec);
    for (const report of reports) expect(report.answers).toBe(items);
    expect(sum(reports, "batch reconciled")).toBe(1);
    const prompts = batchedPrompts();
    expect(prompts.length).toBe(items);
    expect(new Set(prompts).size).toBe(items);
    expect(sum(reports, "batch ingested")).toBe(batchCount());
    expect(await answersPerCall(schema)).toEqual({ calls: items, answers: items, twice: 0 });
    expect(await adminQuery(`SELECT count(*)::int FROM ${schema}.batches WHERE state = 'abandoned'`)).toEqual([[0]]);
  }, 120_000);

  it("4 workers under one 60-requests-per-window limit stay under it together", async () => {
    const windowMs = 1000;
    server = await startFakeProviderServer({ rateLimit: { requests: 60, windowMs, provider: "openai" } });
    const schema = await migratedSchema();
    const items = 40;
    const specs = Array.from({ length: 4 }, (_, worker) => ({
      server: server!.url,
      store: pgUrl!,
      schema,
      strategy: "async" as const,
      items,
      rounds: 1,
      models: ["gpt-4.1-mini"],
      // Each worker its own calls, so all are sent: 4 × 40 at once against a limit of 60.
      tag: `worker-${worker}`,
      limits: { openai: { requests: 60, perMs: windowMs } },
    }));
    const reports = (await runWorkers(specs)) as WorkerReport[];

    for (const report of reports) expect(report.answers).toBe(items);
    const refused = server.requests.filter((request) => request.status === 429);
    expect(refused.length).toBe(0);
    expect(server.counts.openai).toBe(4 * items);
  }, 120_000);
});
