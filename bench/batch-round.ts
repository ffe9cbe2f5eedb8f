/**
 * batch-round: 50,000 asks in batch mode -> collect, plan, serialise, upload to
 * the fake server (in its own process); then ingest the 50,000 result lines and
 * replay. Floors measured in the same run: hashing + JSON serialisation of the
 * same requests; raw parse + SQLite insert of the same result lines.
 *
 * Each run of the round is its own process, as `pllm run` and `--wait` make
 * them: a preview run, the run that collects and submits, the run that ingests
 * and replays. Peak RSS is the largest of theirs.
 */
import { hash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { Parallellm, type ParallellmOptions } from "parallellm";
import { fakeProviderClients } from "parallellm/testing";
import { type Figure, peakRssMb, runJsonChild, startFakeServerProcess, time, withTempDirectory } from "./bench-util.js";

const asks = Number(process.env.BATCH_ROUND_ASKS ?? 50_000);
/** `BATCH_ROUND_KEEP_RAW=true` measures the round keeping raw responses (`keepRaw: true`). */
const keepRaw = process.env.BATCH_ROUND_KEEP_RAW === "true";
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

type RunKind = "preview" | "submit" | "ingest";

/** What one run (one process) measured. */
interface RunFigures {
  readonly ms: Record<string, number>;
  readonly peakRssMb: number;
  readonly batchId?: string;
}

/** One run of the round, in this process (the child side). */
async function runOnce(kind: RunKind, url: string, directory: string): Promise<RunFigures> {
  const options: ParallellmOptions = {
    llm: "gpt-4.1-mini",
    strategy: "batch",
    clients: fakeProviderClients(url),
    summary: false,
    keepRaw,
  };
  if (kind === "preview") {
    // Collect, plan, serialise and archive, without uploading: our side alone. Alternating
    // with the floor, three times each in this process, so both are measured warm and under the
    // same load; the best of three counts on each side, and our first run is reported too.
    const previews: number[] = [];
    const floors: number[] = [];
    for (const name of ["preview-1", "preview-2", "preview-3"]) {
      floors.push(serialisationFloor());
      const preview = await time(async () => {
        const pllm = await Parallellm.open(join(directory, name), { ...options, batch: { preview: true } });
        await pipeline(pllm);
        return pllm.close();
      });
      if (!preview.result.batches.previewOnly) throw new Error("expected a preview");
      previews.push(preview.ms);
    }
    return {
      ms: { previewCold: previews[0], preview: Math.min(...previews), floor: Math.min(...floors) },
      peakRssMb: peakRssMb(),
    };
  }
  const workspace = join(directory, "batch-round");
  if (kind === "submit") {
    const pllm = await Parallellm.open(workspace, options);
    const collect = await time(() => pipeline(pllm));
    const submit = await time(() => pllm.close());
    const [batch, ...more] = submit.result.batches.submitted;
    if (!batch?.providerBatchId || more.length > 0) throw new Error("expected one batch");
    return {
      ms: { collect: collect.ms, submit: submit.ms },
      peakRssMb: peakRssMb(),
      batchId: batch.providerBatchId,
    };
  }
  const ingest = await time(() => Parallellm.open(workspace, options));
  const pllm = ingest.result;
  const replay = await time(() => pipeline(pllm));
  const summary = await pllm.close();
  if (replay.result !== asks || summary.sent !== 0 || summary.replayed !== asks) {
    throw new Error(`replay answered ${replay.result} of ${asks}`);
  }
  return { ms: { ingest: ingest.ms, replay: replay.ms }, peakRssMb: peakRssMb() };
}

/** Runs `runOnce` in a fresh process; its figures come back on stdout as JSON. */
function runInChild(kind: RunKind, url: string, directory: string): RunFigures {
  return runJsonChild(fileURLToPath(import.meta.url), ["batch-round-run", kind, url, directory], `the ${kind} run`);
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

/** The store's size per answer, and the part of it raw responses take. */
function storedBytes(path: string): { perAnswer: number; rawPerAnswer: number } {
  const db = new Database(path, { readonly: true });
  const [answers, raw] = db.prepare("SELECT count(*), coalesce(sum(length(raw)), 0) FROM responses").raw().get() as [
    number,
    number,
  ];
  db.close();
  return { perAnswer: statSync(path).size / answers, rawPerAnswer: raw / answers };
}

export async function batchRoundBenchmark(): Promise<Figure[]> {
  const server = await startFakeServerProcess(0);
  try {
    return await withTempDirectory(async (directory) => {
      const preview = runInChild("preview", server.url, directory);
      const submit = runInChild("submit", server.url, directory);
      // The batch ends at the provider before the next run opens (the fake server writes its result files then).
      const openai = fakeProviderClients(server.url).openai;
      while ((await openai.batches.retrieve(submit.batchId!)).status !== "completed");
      const ingest = runInChild("ingest", server.url, directory);

      const batches = join(directory, "batch-round", "batches");
      const outputFile = readdirSync(batches).find((file) => file.endsWith(".output.jsonl"))!;
      const outputLines = readFileSync(join(batches, outputFile), "utf8").split("\n").filter(Boolean);
      const floorSerialise = preview.ms.floor;
      const floorIngest = Math.min(
        ingestFloor(outputLines, join(directory, "floor-1.sqlite")),
        ingestFloor(outputLines, join(directory, "floor-2.sqlite")),
      );
      const stored = storedBytes(join(directory, "batch-round", "store.sqlite"));
      const name = `batch-round (${asks} asks${keepRaw ? ", keepRaw: true" : ""})`;
      const figure = (metric: string, value: number, unit: string, target?: string): Figure => ({
        benchmark: name,
        metric,
        value,
        unit,
        target,
      });
      return [
        figure(
          "collect + plan + serialise + archive (preview run, first in its process)",
          preview.ms.previewCold,
          "ms",
        ),
        figure("collect + plan + serialise + archive (preview run, best of three)", preview.ms.preview, "ms"),
        figure(
          "floor: hash + JSON-serialise the same requests (best of three, alternating with ours in the preview process)",
          floorSerialise,
          "ms",
        ),
        figure("ratio collect..archive / floor", preview.ms.preview / floorSerialise, "x", "<= 3"),
        figure("collect (pipeline run, nothing sent)", submit.ms.collect, "ms"),
        figure(
          "close: plan + serialise + archive + upload + create (incl. the fake server's validation)",
          submit.ms.submit,
          "ms",
        ),
        figure("ingest (open: poll, download, parse, store 50k answers)", ingest.ms.ingest, "ms"),
        figure("floor: raw parse + SQLite insert of the same lines", floorIngest, "ms"),
        figure("ratio ingest / floor", ingest.ms.ingest / floorIngest, "x", "<= 3"),
        figure("replay", ingest.ms.replay, "ms"),
        figure("store bytes per answer (store file after the ingest run / answers)", stored.perAnswer, "B"),
        figure("of which the raw response (deflated result line)", stored.rawPerAnswer, "B"),
        figure("peak RSS, preview run", preview.peakRssMb, "MB"),
        figure("peak RSS, collect + submit run", submit.peakRssMb, "MB"),
        figure("peak RSS, ingest + replay run", ingest.peakRssMb, "MB"),
        figure(
          "peak RSS (largest run)",
          Math.max(preview.peakRssMb, submit.peakRssMb, ingest.peakRssMb),
          "MB",
          "<= 400",
        ),
      ];
    });
  } finally {
    server.stop();
  }
}

if (process.argv[2] === "batch-round-run") {
  const [kind, url, directory] = process.argv.slice(3);
  console.log(JSON.stringify(await runOnce(kind as RunKind, url, directory)));
}
