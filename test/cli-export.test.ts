/**
 * `pllm export` and `reader.exportRows()` / `reader.export()`: a workspace made by
 * real runs in every strategy (the official SDKs against the fake provider
 * server, a real SQLite store) exported as JSONL, CSV and Parquet by the real
 * process, read back (CSV parsed by RFC 4180, Parquet row by row with hyparquet)
 * and compared with the reader's view; bad input refused with one line and the
 * right exit code, the workspace untouched.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import {
  closeSync,
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeExportFile } from "../src/export/write-export.js";
import { type ExportRow, InputError, Parallellm, type WorkspaceReader } from "../src/index.js";
import { costOf } from "../src/providers/model-prices.js";
import { type FakeProviderServer, MockProvider, startFakeProviderServer } from "../src/testing/index.js";
import { runPllm, tempDirectory, tempWorkspace } from "./helpers.js";
import { fileDigests, longDocument, makeMixedWorkspace, pixel } from "./mixed-workspace.js";

/** Each spawned pllm takes a second on an idle machine, and many more on a busy one. */
const spawnTimeout = 180_000;

let server: FakeProviderServer;
/** The mixed workspace, copied to a directory of this file's own (helpers remove theirs after each test). */
let workspace: string;
let kept: string;
let reader: WorkspaceReader;
/** What the reader exports, every call. */
let rows: ExportRow[];

beforeAll(async () => {
  server = await startFakeProviderServer();
  const made = await makeMixedWorkspace(server);
  kept = mkdtempSync(join(tmpdir(), "pllm-export-"));
  workspace = join(kept, "ws");
  cpSync(made, workspace, { recursive: true });
  reader = await Parallellm.inspect(workspace);
  rows = await collect(reader.exportRows());
}, spawnTimeout);

afterAll(async () => {
  await reader?.close();
  await server?.close();
  rmSync(kept, { recursive: true, force: true });
});

const cli = new URL("../src/cli/main.ts", import.meta.url).pathname;

function pllm(args: readonly string[]) {
  return runPllm(args, { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR });
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

function rowOf(agent: string, match: (row: ExportRow) => boolean = () => true): ExportRow {
  const found = rows.filter((row) => row.agent === agent && match(row));
  expect(found).toHaveLength(1);
  return found[0];
}

/** Nothing in the workspace changed; the only new files are the empty WAL and the index SQLite makes for a reader. */
function expectUntouched(before: Map<string, string>): void {
  const after = fileDigests(workspace);
  for (const [name, digest] of before) expect([name, after.get(name)]).toEqual([name, digest]);
  for (const name of after.keys()) {
    if (!before.has(name)) expect(["store.sqlite-wal", "store.sqlite-shm"]).toContain(name);
  }
  if (after.has("store.sqlite-wal") && !before.has("store.sqlite-wal")) {
    expect(readFileSync(join(workspace, "store.sqlite-wal")).length).toBe(0);
  }
}

/** A row as JSON Lines carries it: every column, `null` for no value, timestamps in ISO 8601. */
function asJsonl(row: ExportRow): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([name, value]) => [
      name,
      value === undefined ? null : name.endsWith("At") ? new Date(value as number).toISOString() : value,
    ]),
  );
}

/** RFC 4180: records of fields, a field quoted when it holds a comma, a quote or a line break. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"') quoted = true;
    else if (character === ",") {
      record.push(field);
      field = "";
    } else if (character === "\r" && text[index + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      index++;
    } else field += character;
  }
  expect([field, record]).toEqual(["", []]);
  return records;
}

describe("reader.exportRows()", () => {
  it("gives one row per call, as the reader sees each call", async () => {
    const calls = await collect(reader.eachCall());
    expect(rows.map((row) => [row.agent, row.hash, row.occurrence])).toEqual(
      calls.map((call) => [call.agent, call.hash, call.occurrence]),
    );
    for (const row of rows) {
      const detail = await reader.call(row);
      expect(detail).toBeDefined();
      if (!detail) continue;
      expect(row).toMatchObject({
        id: detail.id,
        status: detail.status,
        session: detail.session,
        provider: detail.provider,
        model: detail.model,
        text: detail.answer?.text,
        inputTokens: detail.answer?.usage.inputTokens,
        outputTokens: detail.answer?.usage.outputTokens,
        toolCalls: detail.answer?.toolCalls,
        finishReason: detail.answer?.finishReason.unified,
        failures: detail.attempts.length,
        batch: detail.batches.at(-1)?.id,
        providerBatchId: detail.batches.at(-1)?.providerBatchId,
        sentAt: detail.sentAt,
        receivedAt: detail.receivedAt,
      });
      const answer = detail.answers.find((received) => received.inUse);
      expect(row.viaBatch).toBe(answer?.viaBatch);
      const priced =
        detail.answer &&
        costOf(
          detail.model as string,
          { input: detail.answer.usage.inputTokens as number, output: detail.answer.usage.outputTokens },
          { batch: answer?.viaBatch },
        );
      expect(row.cost).toBe(priced);
    }
    expect(new Set(rows.map((row) => row.status))).toEqual(new Set(["answered", "failed", "pending"]));
  });

  it("puts the prompt as text: documents stored apart put back, an image as a note, a conversation by role", () => {
    const hello = rows.filter((row) => row.agent === "extract" && row.prompt === "Say hello.");
    expect(hello.map((row) => row.occurrence)).toEqual([0, 1]);
    expect(rowOf("extract", (row) => row.instructions === "Be brief.").prompt).toBe(`Summarise: ${longDocument}`);
    const picture = rowOf("extract", (row) => row.prompt?.startsWith("Who is in the picture?") === true);
    expect(picture.prompt).toBe(`Who is in the picture?\n[image image/png, ${pixel.length} bytes]`);
    expect(picture.value).toEqual({ name: "Ingrid", confidence: 0.9 });
    const weather = rowOf("extract", (row) => row.prompt === "Weather in Oslo?");
    expect(weather.toolCalls).toMatchObject([{ name: "get_weather", args: { city: "Oslo" } }]);
    expect(weather.value).toBeUndefined();
    const cheap = rowOf("planner", (row) => row.prompt?.endsWith("user: Make it cheap.") === true);
    const first = rowOf("planner", (row) => row.prompt === "Plan a day in Oslo.");
    expect(cheap.prompt).toBe(`user: Plan a day in Oslo.\n\nassistant: ${first.text}\n\nuser: Make it cheap.`);
  });

  it("says why a call failed, and names the batch a pending call waits in", async () => {
    expect(rowOf("judge-2")).toMatchObject({ status: "failed", text: undefined, cost: undefined, failures: 1 });
    expect(rowOf("judge-2").error).toMatch(/No jokes today\./);
    const batch = (await reader.batches()).find((candidate) => candidate.id === rowOf("classify-a").batch);
    expect(batch).toMatchObject({ model: "gpt-4.1-mini" });
    if (!batch) return;
    for (const agent of ["classify-a", "classify-b"]) {
      expect(rowOf(agent)).toMatchObject({
        status: "pending",
        batch: batch.id,
        providerBatchId: batch.providerBatchId,
        text: undefined,
        prompt: `Classify item ${agent.at(-1)}.`,
      });
    }
  });

  it("takes the filters of calls(), and small pages give the same rows", async () => {
    const answered = await collect(reader.exportRows({ status: "answered", provider: "anthropic" }));
    expect(answered).toEqual(rows.filter((row) => row.status === "answered" && row.provider === "anthropic"));
    expect(answered.map((row) => row.agent)).toEqual(["judge-1", "judge-3", "planner", "planner", "planner"]);
    expect(await collect(reader.exportRows({ pageSize: 2 }))).toEqual(rows);
  });
});

describe("pllm export", { timeout: spawnTimeout }, () => {
  it("writes every call as JSON Lines, the same rows as the reader's, and changes nothing in the workspace", async () => {
    const before = fileDigests(workspace);
    const out = join(tempDirectory(), "calls.jsonl");
    const { code, stdout, stderr } = await pllm(["export", workspace, "--format", "jsonl", "--out", out, "--json"]);
    expect([code, stderr]).toEqual([0, ""]);
    const text = readFileSync(out, "utf8");
    expect(JSON.parse(stdout)).toEqual({ format: "jsonl", out, rows: rows.length, bytes: Buffer.byteLength(text) });
    const lines = text.trimEnd().split("\n");
    expect(lines.map((line) => JSON.parse(line))).toEqual(rows.map(asJsonl));
    expect(Object.keys(JSON.parse(lines[0]))).toEqual(Object.keys(rows[0]));
    expect(existsSync(`${out}.partial`)).toBe(false);
    expectUntouched(before);
  });

  it("writes CSV by RFC 4180 with the filters applied, and says what it wrote", async () => {
    const out = join(tempDirectory(), "extract.csv");
    const { code, stdout } = await pllm(["export", workspace, "--format", "csv", "--out", out, "--agent", "extract"]);
    expect(code).toBe(0);
    const expected = rows.filter((row) => row.agent === "extract");
    expect(stdout).toBe(
      `Exported ${expected.length} calls to ${out} (${(readFileSync(out).length / 1000).toFixed(1)} kB).\n`,
    );
    const [header, ...records] = parseCsv(readFileSync(out, "utf8"));
    expect(header).toEqual(Object.keys(rows[0]));
    expect(records).toEqual(
      expected.map((row) =>
        Object.values(asJsonl(row)).map((value) =>
          value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value),
        ),
      ),
    );
    // The prompts with a line break and the tool calls' JSON (quotes, commas) went through quoted.
    expect(records.some((record) => record.some((field) => field.includes("\n")))).toBe(true);
    expect(records.some((record) => record.some((field) => field.includes('","')))).toBe(true);
  });

  it("writes Parquet that a Parquet reader reads back row by row", async () => {
    const out = join(tempDirectory(), "calls.parquet");
    const { code } = await pllm(["export", workspace, "--format", "parquet", "--out", out]);
    expect(code).toBe(0);
    const bytes = readFileSync(out);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const read = await parquetReadObjects({ file });
    expect(read).toHaveLength(rows.length);
    read.forEach((record, index) => {
      const row = rows[index];
      expect(Object.keys(record)).toEqual(Object.keys(row));
      for (const [name, value] of Object.entries(row)) {
        const expected =
          value === undefined
            ? // hyparquet reads a null list (the embedding of a call that is not one) as undefined.
              name === "embedding"
              ? undefined
              : null
            : name.endsWith("At")
              ? new Date(value as number)
              : typeof value === "number" && Number.isInteger(value) && name !== "cost"
                ? BigInt(value)
                : value;
        expect([name, record[name]]).toEqual([name, expected]);
      }
    });
  });

  it("stops quietly when the reader of its stdout stops reading (| head)", async () => {
    // More rows than a pipe holds, so the export is still writing when the reader goes.
    const large = tempWorkspace();
    const providers = { openai: new MockProvider({ name: "openai" }) };
    await Parallellm.run(large, { providers, llm: "gpt-4.1-mini", summary: false }, (pllm) =>
      pllm.agent("many", async (agent) => {
        const asks = Array.from({ length: 2000 }, (_, index) => agent.ask(`Item ${index}: ${"words ".repeat(20)}`));
        await Promise.all(asks.map((ask) => ask.text()));
      }),
    );
    const child = spawn(process.execPath, ["--import", "tsx", cli, "export", large, "--format", "csv", "--out", "-"], {
      env: { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR },
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.stdout.once("data", () => child.stdout.destroy());
    const [code] = await once(child, "exit");
    expect([code, stderr]).toEqual([0, ""]);
  });

  it("says so in one line when stdout cannot be written (a full disk), and exits 1", async () => {
    const full = openSync("/dev/full", "w");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", cli, "export", workspace, "--format", "jsonl", "--out", "-"],
      {
        env: { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR },
        stdio: ["ignore", full, "pipe"],
      },
    );
    closeSync(full);
    let stderr = "";
    child.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    const [code] = await once(child, "exit");
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^pllm: ParallellmError: Writing stdout failed \(ENOSPC: .*\)\. Check the disk space/),
    ]);
  });

  it("writes to stdout with --out -", async () => {
    const { code, stdout } = await pllm(["export", workspace, "--format", "jsonl", "--out", "-", "--status", "failed"]);
    expect(code).toBe(0);
    expect(
      stdout
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line)),
    ).toEqual(rows.filter((row) => row.status === "failed").map(asJsonl));
  });

  /** Runs each case; each must fail with `exitCode` and end stderr with a line matching its pattern, printing nothing on stdout. */
  async function expectRefused(cases: readonly [readonly string[], number, RegExp][]): Promise<void> {
    for (const [args, exitCode, message] of cases) {
      const { code, stdout, stderr } = await pllm(["export", ...args]);
      expect([args, code, stdout]).toEqual([args, exitCode, ""]);
      expect(stderr.trim().split("\n").at(-1)).toMatch(message);
    }
  }

  it("refuses a malformed command line with its usage (exit 2), before reading anything", async () => {
    const before = fileDigests(workspace);
    const directory = tempDirectory();
    await expectRefused([
      [
        [workspace, "--format", "xlsx", "--out", join(directory, "a")],
        2,
        /--format takes one of jsonl, csv, parquet; got "xlsx"/,
      ],
      [[workspace, "--format", "csv"], 2, /--out/],
      [[workspace, "--format", "parquet", "--out", "-"], 2, /--out - \(stdout\) takes jsonl or csv/],
    ]);
    expect(readdirSync(directory)).toEqual([]);
    expectUntouched(before);
  });

  it("refuses a file it cannot or may not write, and a missing workspace (exit 1); --force replaces a file", async () => {
    const before = fileDigests(workspace);
    const directory = tempDirectory();
    const existing = join(directory, "existing.csv");
    writeFileSync(existing, "keep me");
    await expectRefused([
      [
        [workspace, "--format", "csv", "--out", join(directory, "no", "such.csv")],
        1,
        /its directory .* does not exist/,
      ],
      [[workspace, "--format", "csv", "--out", existing], 1, /existing\.csv exists; pass --force/],
      [
        [join(directory, "nowhere"), "--format", "csv", "--out", join(directory, "c")],
        1,
        /^pllm: InputError: There is no workspace at .*nowhere/,
      ],
    ]);
    expect(readFileSync(existing, "utf8")).toBe("keep me");
    expect(readdirSync(directory)).toEqual(["existing.csv"]);
    expectUntouched(before);

    const forced = await pllm(["export", workspace, "--format", "csv", "--out", existing, "--force"]);
    expect(forced.code).toBe(0);
    expect(parseCsv(readFileSync(existing, "utf8"))).toHaveLength(rows.length + 1);
  });
});

describe("reader.export()", () => {
  it("writes the file and says how many rows and bytes", async () => {
    const out = join(tempDirectory(), "judges.jsonl");
    const result = await reader.export({ format: "jsonl", out, agent: "judge-3" });
    expect(result).toEqual({ rows: 1, bytes: readFileSync(out).length });
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(asJsonl(rowOf("judge-3")));
  });

  it("writes a valid empty file when no call matches", async () => {
    const directory = tempDirectory();
    for (const format of ["jsonl", "csv", "parquet"] as const) {
      const out = join(directory, `none.${format}`);
      expect(await reader.export({ format, out, agent: "nobody" })).toMatchObject({ rows: 0 });
      const bytes = readFileSync(out);
      if (format === "jsonl") expect(bytes.length).toBe(0);
      if (format === "csv") expect(parseCsv(bytes.toString())).toEqual([Object.keys(rows[0])]);
      if (format === "parquet") {
        const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
        expect(await parquetReadObjects({ file })).toEqual([]);
      }
    }
  });

  it("refuses an option it does not take (a misspelt filter would export every call)", async () => {
    const out = join(tempDirectory(), "x.csv");
    // @ts-expect-error: a misspelt filter, as plain JavaScript may pass it.
    await expect(reader.export({ format: "csv", out, stauts: "failed" })).rejects.toThrow(
      /export\(\) does not take "stauts"/,
    );
    await expect(reader.export({ format: "csv", out, status: "done" as "failed" })).rejects.toThrow(InputError);
    for (const inside of [join(workspace, "store.sqlite"), join(workspace, "calls.csv"), workspace]) {
      await expect(reader.export({ format: "csv", out: inside, force: true })).rejects.toThrow(
        /it is in the workspace .*, which an export leaves as it is/,
      );
    }
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it("leaves no file when it fails midway, and keeps the file it would have replaced", async () => {
    const directory = tempDirectory();
    const out = join(directory, "calls.parquet");
    writeFileSync(out, "the old export");
    async function* failing(): AsyncGenerator<ExportRow> {
      yield* rows;
      throw new Error("the disk is full");
    }
    for (const format of ["jsonl", "csv", "parquet"] as const) {
      await expect(writeExportFile(failing(), { format, out, force: true })).rejects.toThrow("the disk is full");
      expect(readdirSync(directory)).toEqual(["calls.parquet"]);
      expect(readFileSync(out, "utf8")).toBe("the old export");
    }
  });
});
