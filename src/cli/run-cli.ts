/**
 * Runs a citty command the way a Unix tool should: `--help` and `--version`
 * exit 0; a usage error (unknown command, missing or malformed argument)
 * prints the usage and exits 2; a user error (a ParallellmError, a pipeline
 * that cannot be loaded) prints one line and exits 1; anything else is a bug
 * and prints its stack. Nothing is coloured on a stream that is not a terminal.
 */
import { createRequire } from "node:module";
import { stripVTControlCharacters } from "node:util";
import { type CommandDef, type Resolvable, renderUsage, runCommand } from "citty";
import { closestName } from "../core/closest-name.js";
import { ParallellmError } from "../core/errors.js";
import { CliError, UsageError } from "./cli-error.js";

export interface CliStreams {
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
}

/** The package's version, for `--version`. */
export const packageVersion: string = (
  createRequire(import.meta.url)("../../package.json") as { readonly version: string }
).version;

/** Runs `command` with `rawArgs`; resolves to the exit code (the caller sets `process.exitCode`). */
export async function runCli(
  // biome-ignore lint/suspicious/noExplicitAny: citty's CommandDef is generic over each command's own args.
  command: CommandDef<any>,
  rawArgs: readonly string[],
  streams: CliStreams = process,
): Promise<number> {
  const write = (stream: CliStreams["stdout"], text: string) =>
    stream.write(`${stream.isTTY ? text : stripVTControlCharacters(text)}\n`);
  const usageOf = async () => {
    const [shown, parent] = await _commandFor(command, rawArgs);
    return renderUsage(shown, parent);
  };
  try {
    if (rawArgs.includes("--help") || rawArgs.includes("-h")) {
      write(streams.stdout, await usageOf());
      return 0;
    }
    if (rawArgs.length === 1 && (rawArgs[0] === "--version" || rawArgs[0] === "-v")) {
      write(streams.stdout, packageVersion);
      return 0;
    }
    await _checkFlags(command, rawArgs);
    await runCommand(command, { rawArgs: [...rawArgs] });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof UsageError || _isCittyUsageError(error)) {
      write(streams.stderr, `${await usageOf()}\n`);
      write(streams.stderr, `pllm: ${(error as Error).message}`);
      return 2;
    }
    if (error instanceof CliError) {
      write(streams.stderr, `pllm: ${error.message}`);
      return 1;
    }
    if (error instanceof ParallellmError) {
      write(streams.stderr, `pllm: ${error.name}: ${error.message}`);
      return 1;
    }
    // Not a user error: a bug (ours or the pipeline's), so the stack helps.
    write(streams.stderr, error instanceof Error ? (error.stack ?? String(error)) : String(error));
    return 1;
  }
}

// --- internal ---

/** citty throws its own CLIError (not exported) for unknown commands and missing or invalid arguments. */
function _isCittyUsageError(error: unknown): boolean {
  return error instanceof Error && error.name === "CLIError";
}

// biome-ignore lint/suspicious/noExplicitAny: see runCli.
type AnyCommand = CommandDef<any>;

/**
 * citty ignores flags it does not know: a typo (`--stategy batch`) would silently
 * run with the default instead. Refused, with the flag that was probably meant.
 */
async function _checkFlags(command: AnyCommand, rawArgs: readonly string[]): Promise<void> {
  const [shown] = await _commandFor(command, rawArgs);
  const definitions = ((await shown.args) ?? {}) as Record<string, { readonly alias?: string | readonly string[] }>;
  const known = new Set<string>();
  for (const [name, definition] of Object.entries(definitions)) {
    known.add(name);
    known.add(`no-${name}`);
    for (const alias of [definition.alias ?? []].flat()) known.add(alias);
  }
  for (const arg of rawArgs) {
    if (arg === "--") return;
    if (!arg.startsWith("-") || arg === "-") continue;
    const name = arg.replace(/^--?/, "").split("=")[0];
    if (known.has(name)) continue;
    const meant = closestName(name, Object.keys(definitions));
    throw new UsageError(`Unknown option ${arg.split("=")[0]}${meant ? `; did you mean --${meant}?` : "."}`);
  }
}

/** The command whose usage fits `rawArgs` (a subcommand when the first argument names one), and its parent. */
async function _commandFor(command: AnyCommand, rawArgs: readonly string[]): Promise<[AnyCommand, AnyCommand?]> {
  const subCommands = (await command.subCommands) as Record<string, Resolvable<AnyCommand>> | undefined;
  const name = rawArgs.find((arg) => !arg.startsWith("-"));
  const lazy = name === undefined ? undefined : subCommands?.[name];
  const sub = typeof lazy === "function" ? await lazy() : await lazy;
  return sub ? [sub, command] : [command];
}
