/**
 * Live progress. On a terminal: a panel redrawn at most 10 times a second
 * (log-update), with user output (`pllm.log`) printed above it, never torn.
 * Elsewhere (CI, pipes): a plain line every few seconds. Reads counters the
 * run keeps anyway, so replays pay nothing per ask.
 */
import { stripVTControlCharacters } from "node:util";
import { createLogUpdate } from "log-update";
import colors from "picocolors";
import { unknownCostLabel } from "../providers/model-prices.js";

export interface ModelProgress {
  readonly model: string;
  readonly received: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Answers without token counts: with any, `cost` is unknown. */
  readonly uncounted: number;
  /** USD so far; `undefined` when the model has no known price or some answers are `uncounted`. */
  readonly cost: number | undefined;
}

export interface ProgressSnapshot {
  readonly strategy: string;
  readonly elapsedMs: number;
  readonly asked: number;
  readonly replayed: number;
  readonly sent: number;
  readonly received: number;
  readonly failed: number;
  readonly collected: number;
  readonly batchesPending: number;
  /** Asks waiting for other workers: for calls they hold now, and (halted) for another shard's. */
  readonly waitingOnWorkers: number;
  /** Items of `forEach` calls: finished and in all. */
  readonly itemsDone: number;
  readonly itemsTotal: number;
  readonly models: readonly ModelProgress[];
}

export interface Dashboard {
  /** Print a line of user output (above the panel on a terminal). */
  log(text: string): void;
  /** Print a log record's line on the panel's own stream (above the panel on a terminal). */
  note(text: string): void;
  /** Stop redrawing and clear the panel (the summary follows). */
  stop(): void;
}

export interface DashboardOptions {
  readonly snapshot: () => ProgressSnapshot;
  /** Where the panel or the progress lines go. @default process.stderr */
  readonly stream?: NodeJS.WriteStream;
  /** Where `log` lines go when the panel is not on the same terminal. @default process.stdout */
  readonly output?: NodeJS.WritableStream;
  /** Plain lines every this many milliseconds off a terminal. @default 5000 */
  readonly plainIntervalMs?: number;
}

/** A live panel on a TTY, plain progress lines otherwise. */
export function createDashboard(options: DashboardOptions): Dashboard {
  const stream = options.stream ?? process.stderr;
  const output = options.output ?? process.stdout;
  return stream.isTTY ? liveDashboard(options, stream, output) : plainDashboard(options, stream, output);
}

function liveDashboard(
  options: DashboardOptions,
  stream: NodeJS.WriteStream,
  output: NodeJS.WritableStream,
): Dashboard {
  const panel = createLogUpdate(stream);
  const sameTerminal = (output as NodeJS.WriteStream).isTTY === true;
  const draw = () => panel(renderPanel(options.snapshot(), stream.columns ?? 80));
  // At most 10 redraws a second, whatever the call rate.
  const timer = setInterval(draw, 100);
  timer.unref();
  draw();
  return {
    log(text) {
      if (sameTerminal) {
        panel.persist(text);
        draw();
      } else output.write(`${text}\n`);
    },
    note(text) {
      panel.persist(text);
      draw();
    },
    stop() {
      clearInterval(timer);
      panel.clear();
    },
  };
}

function plainDashboard(
  options: DashboardOptions,
  stream: NodeJS.WritableStream,
  output: NodeJS.WritableStream,
): Dashboard {
  const timer = setInterval(() => stream.write(`${renderLine(options.snapshot())}\n`), options.plainIntervalMs ?? 5000);
  timer.unref();
  return {
    log: (text) => output.write(`${text}\n`),
    note: (text) => stream.write(`${text}\n`),
    stop: () => clearInterval(timer),
  };
}

/** The terminal panel: progress bar with rate and ETA, counts, and a line per model. */
export function renderPanel(snapshot: ProgressSnapshot, columns: number): string {
  const seconds = snapshot.elapsedMs / 1000;
  const done = snapshot.itemsDone;
  const total = snapshot.itemsTotal;
  const rate = seconds > 0 ? done / seconds : 0;
  const eta = rate > 0 && total > done ? `ETA ${formatDuration((total - done) / rate)}` : "";
  const width = Math.max(10, Math.min(40, columns - 60));
  const filled = total > 0 ? Math.round((done / total) * width) : 0;
  const bar = `${colors.green("█".repeat(filled))}${colors.dim("░".repeat(width - filled))}`;
  const items = total > 0 ? `${done}/${total} items` : `${snapshot.asked} asks`;
  const lines = [
    `${colors.bold("parallellm")} ${snapshot.strategy} ${formatDuration(seconds)}  ${bar} ${items}  ${rate.toFixed(1)}/s  ${eta}`.trimEnd(),
    `  replayed ${snapshot.replayed}  sent ${snapshot.sent}  received ${snapshot.received}  stored ${snapshot.received}  ${
      snapshot.failed > 0 ? colors.red(`failed ${snapshot.failed}`) : "failed 0"
    }  collected ${snapshot.collected}  batches pending ${snapshot.batchesPending}${
      snapshot.waitingOnWorkers > 0 ? `  waiting on others ${snapshot.waitingOnWorkers}` : ""
    }`,
  ];
  for (const model of snapshot.models) {
    lines.push(
      `  ${model.model.padEnd(22)} ${String(model.received).padStart(6)} answers  ${formatCount(model.inputTokens)} in / ${formatCount(model.outputTokens)} out  ${formatCost(model.cost, model.uncounted)}`,
    );
  }
  return lines.map((line) => truncate(line, columns)).join("\n");
}

/** The line printed every few seconds off a terminal. */
export function renderLine(snapshot: ProgressSnapshot): string {
  const items = snapshot.itemsTotal > 0 ? `${snapshot.itemsDone}/${snapshot.itemsTotal} items · ` : "";
  const tokens = snapshot.models.reduce((sum, model) => sum + model.inputTokens + model.outputTokens, 0);
  const costs = snapshot.models.map((model) => model.cost);
  const cost =
    costs.length > 0 && costs.every((value) => value !== undefined)
      ? ` · ${formatCost(costs.reduce((a, b) => a! + b!, 0))}`
      : "";
  return `[parallellm ${formatDuration(snapshot.elapsedMs / 1000)}] ${items}replayed ${snapshot.replayed} · sent ${snapshot.sent} · received ${snapshot.received} · failed ${snapshot.failed} · collected ${snapshot.collected} · batches pending ${snapshot.batchesPending}${snapshot.waitingOnWorkers > 0 ? ` · waiting on others ${snapshot.waitingOnWorkers}` : ""} · ${formatCount(tokens)} tokens${cost}`;
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

function formatCount(count: number): string {
  if (count < 1000) return String(count);
  if (count < 1_000_000) return `${(count / 1000).toFixed(1)}k`;
  return `${(count / 1_000_000).toFixed(2)}M`;
}

function formatCost(cost: number | undefined, uncounted = 0): string {
  if (cost === undefined) return unknownCostLabel(uncounted);
  return `$${cost.toFixed(4)}`;
}

function truncate(line: string, columns: number): string {
  // Count visible characters only: colour codes take no room.
  const visible = stripVTControlCharacters(line);
  if (visible.length <= columns) return line;
  return `${visible.slice(0, Math.max(0, columns - 1))}…`;
}
