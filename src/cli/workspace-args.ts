/**
 * What every command that reads a workspace shares: the directory argument,
 * `--json`, `--prices`, the call filters, and opening the read-only view with
 * one clear line when there is no workspace to read.
 */
import type { ArgsDef } from "citty";
import { inspectWorkspace } from "../run/inspect-workspace.js";
import { redactedUrl } from "../store/postgres/postgres-errors.js";
import type { PostgresTarget } from "../store/postgres/postgres-open.js";
import type { CallFilter, CallStatus, WorkspaceReader } from "../store/workspace-reader.js";
import { CliError, UsageError } from "./cli-error.js";

/**
 * `--pg <url>` and `--pg-schema <name>`: the workspace is the PostgreSQL store there, and
 * `[dir]` holds only local files (the batch archive).
 */
export const postgresArgs = {
  pg: {
    type: "string",
    description: "Use the PostgreSQL store at this URL ([dir] then holds only local files: the batch archive)",
    valueHint: "url",
  },
  "pg-schema": {
    type: "string",
    description: "The PostgreSQL schema of the store (default: public)",
    valueHint: "name",
  },
} as const satisfies ArgsDef;

/** `[dir]`, `--json`, `--prices`, `--pg` and `--pg-schema`: spread into a command's `args`. */
export const workspaceArgs = {
  dir: { type: "positional", required: false, default: ".", description: "Workspace directory (default: .)" },
  ...postgresArgs,
  json: { type: "boolean", description: "Print JSON (one document) instead of text" },
  prices: {
    type: "string",
    description: "A JSON file of prices (USD per million tokens) over the built-in table",
    valueHint: "file",
  },
} as const satisfies ArgsDef;

/** The filters `calls` and `export` take: spread into a command's `args`. */
export const callFilterArgs = {
  agent: { type: "string", description: "Agent name, or a glob (`judge*`, `round-?`)", valueHint: "glob" },
  provider: { type: "string", description: "Provider name (openai, anthropic, google, …)" },
  model: { type: "string", description: "Model as stored (e.g. gpt-4o-mini)" },
  status: { type: "string", description: "answered | pending | failed | unanswered" },
  session: { type: "string", description: "Calls whose status rests on this session", valueHint: "number" },
  search: { type: "string", description: "Text in the prompt or the answer (case-insensitive)", valueHint: "text" },
} as const satisfies ArgsDef;

const statuses: readonly CallStatus[] = ["answered", "pending", "failed", "unanswered"];

/** The reader's filter from parsed `callFilterArgs`; a malformed value is a usage error. */
export function callFilterOf(args: { readonly [name in keyof typeof callFilterArgs]?: unknown }): CallFilter {
  const status = optionalString(args.status);
  if (status !== undefined && !statuses.includes(status as CallStatus)) {
    throw new UsageError(`--status takes one of ${statuses.join(", ")}; got "${status}".`);
  }
  const session = optionalString(args.session);
  return {
    agent: optionalString(args.agent),
    provider: optionalString(args.provider),
    model: optionalString(args.model),
    status: status as CallStatus | undefined,
    session: session === undefined ? undefined : wholeNumber(session, "--session", 1),
    search: optionalString(args.search),
  };
}

/** The PostgreSQL store `--pg` and `--pg-schema` name; `undefined` without `--pg` (the workspace's SQLite file). */
export function postgresTargetOf(args: {
  readonly pg?: unknown;
  readonly "pg-schema"?: unknown;
}): PostgresTarget | undefined {
  const url = optionalString(args.pg);
  const schema = optionalString(args["pg-schema"]);
  if (url === undefined && schema !== undefined) throw new UsageError("--pg-schema needs --pg <url>.");
  if (url !== undefined && !isPostgresUrl(url)) {
    throw new UsageError(`--pg takes a URL that starts with postgres:// or postgresql://; got ${redactedUrl(url)}.`);
  }
  return url === undefined ? undefined : { url, schema };
}

/** Whether `text` names a PostgreSQL store rather than a workspace directory. */
export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text);
}

/**
 * Loads a module of the PostgreSQL store (which loads the `pg` package, an optional peer
 * dependency), refusing in one line when `pg` is not installed.
 */
export async function importPostgres<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    if (code === "ERR_MODULE_NOT_FOUND" && /['"]pg['"]/.test(message ?? "")) {
      throw new CliError("--pg needs the pg package, which is not installed; install it with npm install pg.");
    }
    throw error;
  }
}

/** Opens the workspace of `args` (`--pg`, else `args.dir`) read-only, hands it to `read`, and closes it however `read` ends. */
export async function withWorkspace<T>(
  args: { readonly dir?: unknown; readonly prices?: unknown; readonly pg?: unknown; readonly "pg-schema"?: unknown },
  read: (reader: WorkspaceReader) => Promise<T>,
): Promise<T> {
  const pricesFile = optionalString(args.prices);
  const options = pricesFile ? { pricesFile } : {};
  const target = postgresTargetOf(args);
  const reader =
    target === undefined
      ? await inspectWorkspace(optionalString(args.dir) ?? ".", options)
      : await importPostgres(async () =>
          (await import("../postgres.js")).inspectPostgres(target.url, { schema: target.schema, ...options }),
        );
  try {
    return await read(reader);
  } finally {
    await reader.close();
  }
}

/** Writes `value` as indented JSON on stdout (for `--json`). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints `lines` to stdout, each ended by a newline. */
export function printLines(lines: readonly string[]): void {
  process.stdout.write(`${lines.join("\n")}\n`);
}

/** A whole number of at least `min` from a flag's text; anything else is a usage error. */
export function wholeNumber(text: string, flag: string, min = 0): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${flag} takes a whole number${min > 0 ? ` of at least ${min}` : ""}; got "${text}".`);
  }
  return value;
}

function optionalString(value: unknown): string | undefined {
  return value === undefined || value === "" ? undefined : String(value);
}
