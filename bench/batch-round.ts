/**
 * batch-round: 50,000 asks in batch mode -> collect, plan, serialise, upload to
 * the fake server (in its own process); then ingest the 50,000 result lines and
 * replay. Floors measured in the same run: hashing + JSON serialisation of the
 * same requests; raw parse + SQLite insert of the same result lines.
 */
import { hash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Parallellm, type ParallellmOptions } from "parallellm";
import { fakeProviderClients } from "parallellm/testing";
import { type Figure, peakRssMb, startFakeServerProcess, time, withTempDirectory } from "./bench-util.js";

const asks = Number(process.env.BATCH_ROUND_ASKS ?? 50_000);
const promptOf = (index: number) =>
  `Classify support ticket ${index}: "My order arrived late and damaged." Reply with one label.`;

async function pipeline(pllm: Parallellm): Promise<number> {
  const labels = await pllm.forEach(
    Array.from({ length: asks }, (_, index) => index),
    (index) => `ticket-${index}`,
    (index, agent) => agent.ask(promptOf(index)).text(),
    { concurrency: 1000 },
  );
  return labels.filter((label) => label !== undefined).length;
}

function serialisationFloor(): number {
  const started = performance.now();
  let bytes = 0;
  for (let index = 0; index < asks; index++) {
    const body = {
      model: "gpt-4.1-mini",
      input: [{ role: "user", content: [{ type: "input_text", text: promptOf(index) }] }],
    };
    hash("sha256", JSON.stringify(body), "base64url");
    bytes += JSON.stringify({ custom_id: `c${index}`, method: "POST", url: "/v1/responses", body }).length;
  }
  return bytes > 0 ? performance.now() - started : Number.NaN;
}

function ingestFloor(outputLines: string[], path: string): number {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE results (custom_id TEXT PRIMARY KEY, text TEXT, body TEXT)");
  const insert = db.prepare("INSERT INTO results VALUES (?, ?, ?)");
  const started = performance.now();
  db.transaction(() => {
    for (const line of outputLines) {
      const parsed = JSON.parse(line);
      const body = parsed.response.body;
      insert.run(parsed.custom_id, body.output?.[0]?.content?.[0]?.text ?? "", JSON.stringify(body));
    }
  })();
  const ms = performance.now() - started;
  db.close();
  return ms;
}

export async function batchRoundBenchmark(): Promise<Figure[]> {
  const server = await startFakeServerProcess(0);
  try {
    return await withTempDirectory(async (directory) => {
      const workspace = join(directory, "batch-round");
      const options: ParallellmOptions = {
        llm: "gpt-4.1-mini",
        strategy: "batch",
        clients: fakeProviderClients(server.url),
        summary: false,
      };
      // Collect, plan, serialise and archive, without uploading (preview): our side alone.
      const preview = await time(async () => {
        const pllm = await Parallellm.open(join(directory, "preview"), { ...options, batch: { preview: true } });
        await pipeline(pllm);
        return pllm.close();
      });
      let pllm = await Parallellm.open(workspace, options);
      const collect = await time(() => pipeline(pllm));
      const submit = await time(() => pllm.close());
      if (submit.result.batches.submitted.length !== 1 || !preview.result.batches.previewOnly) {
        throw new Error("expected one batch");
      }
      // The batch ends at the provider before the next run opens (the fake server writes its result files then).
      const batchId = submit.result.batches.submitted[0].providerBatchId!;
      while ((await options.clients!.openai!.batches.retrieve(batchId)).status !== "completed");
      const ingest = await time(() => Parallellm.open(workspace, options));
      pllm = ingest.result;
      const replay = await time(() => pipeline(pllm));
      const summary = await pllm.close();
      if (replay.result !== asks || summary.sent !== 0 || summary.replayed !== asks) {
        throw new Error(`replay answered ${replay.result} of ${asks}`);
      }
      // The library's peak: the floors below read the whole output file at once.
      const peakRss = peakRssMb();
      const outputFile = readdirSync(join(workspace, "batches")).find((file) => file.endsWith(".output.jsonl"))!;
      const outputLines = readFileSync(join(workspace, "batches", outputFile), "utf8")
        .split("\n")
        .filter(Boolean);
      const floorSerialise = Math.min(serialisationFloor(), serialisationFloor());
      const floorIngest = Math.min(
        ingestFloor(outputLines, join(directory, "floor-1.sqlite")),
        ingestFloor(outputLines, join(directory, "floor-2.sqlite")),
      );
      const name = `batch-round (${asks} asks)`;
      return [
        {
          benchmark: name,
          metric: "collect + plan + serialise + archive (preview run)",
          value: preview.ms,
          unit: "ms",
        },
        {
          benchmark: name,
          metric: "floor: hash + JSON-serialise the same requests",
          value: floorSerialise,
          unit: "ms",
        },
        {
          benchmark: name,
          metric: "ratio collect..archive / floor",
          value: preview.ms / floorSerialise,
          unit: "x",
          target: "<= 3",
        },
        { benchmark: name, metric: "collect (pipeline run, nothing sent)", value: collect.ms, unit: "ms" },
        {
          benchmark: name,
          metric: "close: plan + serialise + archive + upload + create (incl. the fake server's validation)",
          value: submit.ms,
          unit: "ms",
        },
        {
          benchmark: name,
          metric: "ingest (open: poll, download, parse, store 50k answers)",
          value: ingest.ms,
          unit: "ms",
        },
        {
          benchmark: name,
          metric: "floor: raw parse + SQLite insert of the same lines",
          value: floorIngest,
          unit: "ms",
        },
        { benchmark: name, metric: "ratio ingest / floor", value: ingest.ms / floorIngest, unit: "x", target: "<= 3" },
        { benchmark: name, metric: "replay", value: replay.ms, unit: "ms" },
        { benchmark: name, metric: "peak RSS (before the floors)", value: peakRss, unit: "MB", target: "<= 400" },
      ];
    });
  } finally {
    server.stop();
  }
}
