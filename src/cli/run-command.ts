/**
 * `pllm run pipeline.ts`: one run of a pipeline module. With `--wait`, rerun it
 * as fresh processes, polling with backoff, until no batch is pending and no
 * agent halted; exits non-zero if a batch fails permanently or calls fail for good.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineCommand } from "citty";
import { type RunStatus, runStatusOf, runUntilDone } from "../batch/run-until-done.js";
import type { Shard } from "../core/agent-shard.js";
import { type LogLevel, logLevels } from "../core/log.js";
import type { RunSummary } from "../dashboard/run-summary.js";
import { Parallellm } from "../parallellm.js";
import type { ParallellmOptions } from "../parallellm-options.js";
import { strategyNames } from "../run/check-open-options.js";
import type { StrategyName } from "../strategies/strategy.js";
import { UsageError } from "./cli-error.js";
import { loadPipeline } from "./load-pipeline.js";
import { importPostgres, postgresArgs, postgresTargetOf } from "./workspace-args.js";

/** What each run of `--wait` reports back to the waiting parent: its status (the loop's rules) and what to tell the user. */
interface ChildStatus extends RunStatus {
  readonly pendingBatches: number;
  readonly halted: number;
}

export const runCommand = defineCommand({
  meta: { name: "run", description: "Run a pipeline module; with --wait, rerun it until nothing is pending." },
  args: {
    pipeline: {
      type: "positional",
      required: true,
      description: "A .ts or .js module whose default export is `async (pllm) => result`",
    },
    workspace: { type: "string", description: "Workspace directory (default: the module's `workspace` export)" },
    ...postgresArgs,
    strategy: {
      type: "string",
      description: "sync | async | batch | hybrid | dry-run (default: the module's options)",
    },
    "dry-run": { type: "boolean", description: "Send nothing; list the calls by provider/model with tokens and cost" },
    wait: { type: "boolean", description: "Rerun as fresh processes until no batch is pending" },
    "poll-interval": {
      type: "string",
      default: "30",
      description: "Seconds between runs (doubles while nothing moves)",
    },
    "max-poll-interval": { type: "string", default: "600", description: "Longest wait between runs, in seconds" },
    yes: { type: "boolean", description: "Approve batch submissions without asking (batch.confirm)" },
    "retry-failed": {
      type: "boolean",
      description: "Send again the calls that failed for good in earlier runs (with --wait: in its first run)",
    },
    shard: {
      type: "string",
      description: "k/n: run as worker k of n (from 1) sharing one store; it sends only its shard's agents' calls",
    },
    quiet: { type: "boolean", description: "No summary output" },
    "log-level": {
      type: "string",
      description:
        "silent | error | warn | info | debug: what the library logs on stderr (default: PLLM_LOG_LEVEL, else warn)",
    },
  },
  async run({ args }) {
    const target = postgresTargetOf(args);
    if (args.wait) {
      const code = await waitUntilDone({
        pollMs: seconds(args["poll-interval"], "--poll-interval"),
        maxPollMs: seconds(args["max-poll-interval"], "--max-poll-interval"),
        quiet: args.quiet === true,
      });
      process.exitCode = code;
      return;
    }
    const module = await loadPipeline(String(args.pipeline));
    const store =
      target &&
      (await importPostgres(() => import("../postgres.js"))).postgresStore(target.url, { schema: target.schema });
    const options: ParallellmOptions = {
      ...module.options,
      ...(args.strategy ? { strategy: parseStrategy(String(args.strategy)) } : {}),
      ...(args["dry-run"] ? { strategy: "dry-run" as const } : {}),
      ...(args.quiet ? { summary: false } : {}),
      ...(args.yes ? { batch: { ...module.options.batch, approve: true } } : {}),
      ...(args["retry-failed"] ? { retryFailed: true } : {}),
      // A run of `--wait` waits in the run for the other shards' answers rather than exiting for the next run.
      ...(args.shard !== undefined
        ? { shard: { ...parseShard(String(args.shard)), ...(process.env[waitingParent] ? { wait: true } : {}) } }
        : {}),
      ...(args["log-level"] !== undefined ? { logLevel: parseLogLevel(String(args["log-level"])) } : {}),
      ...(store ? { store } : {}),
    };
    const workspace = args.workspace ? String(args.workspace) : module.workspace;
    const { result, summary } = await Parallellm.run(workspace, options, module.run);
    if (result !== undefined) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    const statusFile = process.env["PLLM_STATUS_FILE"];
    if (statusFile) writeFileSync(statusFile, JSON.stringify(statusOf(summary)));
  },
});

/** A child run as the waiting parent sees it: its exit code, and its status when it exited 0. */
interface ChildRun {
  readonly code: number;
  readonly child: ChildStatus | undefined;
}

function statusOf(summary: RunSummary): ChildStatus {
  return { ...runStatusOf(summary), pendingBatches: summary.batches.pending, halted: summary.halted };
}

async function waitUntilDone(settings: { pollMs: number; maxPollMs: number; quiet: boolean }): Promise<number> {
  const directory = mkdtempSync(join(tmpdir(), "pllm-wait-"));
  const statusFile = join(directory, "status.json");
  const forwarded = process.argv.slice(2).filter((arg) => arg !== "--wait");
  const say = (text: string) => settings.quiet || process.stderr.write(`${text}\n`);
  const stop = _watchStopSignals();
  try {
    const runChildOnce = async (run: number): Promise<{ value: ChildRun; status: RunStatus }> => {
      rmSync(statusFile, { force: true });
      // Failed calls are sent again by the first run only: later runs would loop on them.
      const args = run === 1 ? forwarded : forwarded.filter((arg) => arg !== "--retry-failed");
      const code = await runChild([...process.execArgv, process.argv[1], ...args], statusFile);
      if (code !== 0) {
        const exited = { kind: "exited", message: `run ${run} exited with code ${code}; stopping.` };
        return { value: { code, child: undefined }, status: { done: false, progressed: false, stop: exited } };
      }
      const child = JSON.parse(readFileSync(statusFile, "utf8")) as ChildStatus;
      return { value: { code, child }, status: child };
    };
    const { last, runs, end } = await runUntilDone(runChildOnce, {
      pollInterval: settings.pollMs,
      maxPollInterval: settings.maxPollMs,
      sleep: stop.within,
      interrupted: () => stop.signal !== undefined,
      onWait: ({ run, last, waitMs }) =>
        say(
          `pllm: run ${run}: ${last.child?.pendingBatches} batch(es) pending, ${last.child?.halted} agent(s) waiting; next run in ${Math.round(waitMs / 1000)}s.`,
        ),
    });
    switch (end.reason) {
      case "interrupted":
        say(
          `pllm: stopped by ${stop.signal} ${end.during === "run" ? `during run ${runs}` : "while waiting"}; nothing more will run.`,
        );
        return stop.exitCode;
      case "stopped":
        say(`pllm: ${end.stop.message}`);
        return last.code !== 0 ? last.code : 1;
      default:
        // "done": `--wait` sets no maxRuns, so the loop ends no other way.
        say(`pllm: done after ${runs} run(s): nothing is pending.`);
        return 0;
    }
  } finally {
    stop.dispose();
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * The first SIGINT or SIGTERM while `--wait` runs: the run in progress
 * finishes (a signal from the terminal reached it too, and it stops as a
 * single run does), then nothing more runs and the waiting process exits
 * 130/143 after removing what it made.
 */
function _watchStopSignals() {
  let wake: () => void = () => {};
  const watch = {
    signal: undefined as NodeJS.Signals | undefined,
    get exitCode() {
      return watch.signal === "SIGINT" ? 130 : 143;
    },
    /** Waits `ms`, or less if a signal comes. */
    within(ms: number): Promise<void> {
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    },
    dispose() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
  const onSignal = (signal: NodeJS.Signals) => {
    watch.signal ??= signal;
    wake();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return watch;
}

/** Set in the runs `--wait` starts. */
const waitingParent = "PLLM_RUN_UNTIL_DONE";

function runChild(argv: string[], statusFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      stdio: "inherit",
      env: { ...process.env, PLLM_STATUS_FILE: statusFile, [waitingParent]: "1" },
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve(code ?? (signal === "SIGINT" ? 130 : 1)));
  });
}

function seconds(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new UsageError(`${flag} takes a number of seconds, got "${text}".`);
  return value * 1000;
}

function parseLogLevel(text: string): LogLevel {
  if (!logLevels.includes(text as LogLevel))
    throw new UsageError(`--log-level must be one of ${logLevels.join(", ")}, got "${text}".`);
  return text as LogLevel;
}

/** `k/n`, counted from 1 as Playwright's and Jest's `--shard` are: `2/8` is `{ index: 1, count: 8 }`. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const [k, n] = match ? [Number(match[1]), Number(match[2])] : [Number.NaN, Number.NaN];
  if (!(k >= 1 && n >= 1 && k <= n && Number.isSafeInteger(n))) {
    throw new UsageError(`--shard takes k/n, this worker's shard k of n counted from 1 (1/4 … 4/4), got "${text}".`);
  }
  return { index: k - 1, count: n };
}

function parseStrategy(text: string): StrategyName {
  if (!strategyNames.includes(text as StrategyName))
    throw new UsageError(`--strategy must be one of ${strategyNames.join(", ")}, got "${text}".`);
  return text as StrategyName;
}
