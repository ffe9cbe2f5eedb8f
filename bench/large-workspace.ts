/**
 * A large workspace for the benchmarks of what reads one (`pllm status`,
 * `export`, the viewer): documents put through a four-step pipeline — extract
 * (structured), classify, judge, summarise — over three providers, one agent
 * per document, as a pipeline over a corpus is written. The calls are made in
 * sessions of 100,000, each a process of its own as separate runs are; one
 * classify ask in 1,000 is refused by its provider and recorded as a failure.
 * The providers are in-process mocks under the real providers' names, so the
 * rows are what a real run stores, without a server.
 *
 * `npx tsx bench/large-workspace.ts <directory> [calls]` makes one by hand.
 * Making 1,000,000 calls takes minutes, so the benchmarks share one made by
 * `cachedLargeWorkspace`, kept in the temporary directory between runs.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Parallellm } from "parallellm";
import { MockProvider } from "parallellm/testing";
import { z } from "zod";

/** Calls each document makes. */
const stepsPerDocument = 4;

const invoice = z.object({ title: z.string(), date: z.string(), amount: z.number() });

const bodyOf = (document: number) =>
  `Invoice ${document} from Harbour Supplies AS, dated 2026-0${(document % 9) + 1}-1${document % 10}. ` +
  `Delivered ${document % 50} crates of rope and ${document % 7} anchors to the north pier. ` +
  `Total due within 30 days: ${(document % 997) * 13} NOK. Reference ${document.toString(36).toUpperCase()}.`;

/** Makes a workspace of `calls` calls (rounded down to whole documents) in `directory`. */
export function makeLargeWorkspace(directory: string, calls: number, callsPerSession = 100_000): void {
  const documents = Math.floor(calls / stepsPerDocument);
  const perSession = Math.max(1, Math.floor(callsPerSession / stepsPerDocument));
  for (let first = 0; first < documents; first += perSession) {
    const count = Math.min(perSession, documents - first);
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", fileURLToPath(import.meta.url), "--session", directory, String(first), String(count)],
      { stdio: "inherit" },
    );
    if (child.status !== 0) throw new Error(`making the large workspace failed (exit ${child.status ?? child.signal})`);
  }
}

/**
 * A workspace of `calls` calls made as above, kept under the temporary directory
 * and reused while this file and the library's build are unchanged.
 */
export function cachedLargeWorkspace(calls: number): string {
  const version = createHash("sha256")
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .update(readFileSync(new URL("../dist/store/sqlite/sqlite-migrations.js", import.meta.url)))
    .digest("hex")
    .slice(0, 12);
  const directory = join(tmpdir(), `pllm-bench-large-${calls}-${version}`);
  const done = `${directory}.made`;
  if (!existsSync(done)) {
    rmSync(directory, { recursive: true, force: true });
    makeLargeWorkspace(directory, calls);
    writeFileSync(done, new Date().toISOString());
  }
  return directory;
}

/** One session: documents `first` to `first + count - 1` through the four steps. */
async function runSession(directory: string, first: number, count: number): Promise<void> {
  const providers = {
    openai: new MockProvider({ name: "openai" }),
    anthropic: new MockProvider({ name: "anthropic" }).failNext({
      status: 400,
      message: "This document cannot be classified: it holds no text the policy allows.",
      match: /^Classify document \d*007\b/,
      times: Number.MAX_SAFE_INTEGER,
    }),
    google: new MockProvider({ name: "google" }),
  };
  await Parallellm.run(
    directory,
    {
      providers,
      strategy: "async",
      maxConcurrency: 256,
      onError: "record",
      summary: false,
      dashboard: false,
      logLevel: "error",
    },
    (pllm) =>
      pllm.forEach(
        Array.from({ length: count }, (_, index) => first + index),
        (document) => `doc-${document}`,
        async (document, agent) => {
          const body = bodyOf(document);
          const extracted = await agent
            .ask(`Extract the title, date and amount from this invoice: ${body}`, {
              llm: "openai:gpt-4.1-mini",
              schema: invoice,
            })
            .result();
          const label = agent.ask(`Classify document ${document}: ${body}`, {
            llm: "anthropic:claude-sonnet-4-6",
            instructions: "Reply with one label: invoice, receipt, contract or letter.",
          });
          const verdict = agent.ask(`Is this extraction faithful to the invoice? ${extracted.text}\n\n${body}`, {
            llm: "openai:gpt-4.1-mini",
            instructions: "Answer yes or no, then one sentence why.",
          });
          const summary = agent.ask(`Summarise in one line: ${body}`, { llm: "google:gemini-2.5-flash" });
          await Promise.all([label.text().catch(() => undefined), verdict.text(), summary.text()]);
        },
      ),
  );
}

const [flag, ...rest] = process.argv.slice(2);
if (flag === "--session") await runSession(rest[0], Number(rest[1]), Number(rest[2]));
else if (flag !== undefined && import.meta.url === `file://${process.argv[1]}`) {
  makeLargeWorkspace(flag, Number(rest[0] ?? 1_000_000));
}
