/**
 * A run's log: the user's logger, or one line per record on stderr (above the
 * live dashboard while it runs), behind the level chosen by `logLevel`, else
 * `PLLM_LOG_LEVEL`, else `warn`.
 */
import { InputError } from "../core/errors.js";
import { Log, type LogFields, type Logger, type LogLevel, logLevels } from "../core/log.js";
import type { ParallellmOptions } from "../parallellm-options.js";

/** The level of a run: the option, else the environment variable `PLLM_LOG_LEVEL`, else `warn`. */
export function runLogLevel(options: ParallellmOptions): LogLevel {
  if (options.logLevel !== undefined) return options.logLevel;
  const fromEnvironment = process.env["PLLM_LOG_LEVEL"];
  if (fromEnvironment === undefined || fromEnvironment === "") return "warn";
  if (!logLevels.includes(fromEnvironment as LogLevel)) {
    throw new InputError(
      `The environment variable PLLM_LOG_LEVEL is "${fromEnvironment}"; set it to one of ${logLevels.join(", ")}, or unset it (the default is warn).`,
    );
  }
  return fromEnvironment as LogLevel;
}

/** The run's log: to `options.logger`, or as lines through `writeLine` (stderr, above the dashboard). */
export function createRunLog(level: LogLevel, logger: Logger | undefined, writeLine: (line: string) => void): Log {
  if (logger) return new Log(level, logger);
  const lineAt = (label: string) => (fields: object, message: string) =>
    writeLine(formatLogLine(label, fields as LogFields, message, new Date()));
  return new Log(level, {
    debug: lineAt("DEBUG"),
    info: lineAt("INFO"),
    warn: lineAt("WARN"),
    error: lineAt("ERROR"),
  });
}

/**
 * One record as a line: time, level, message, then `key=value` fields (a value
 * with spaces, quotes or `=` in JSON quotes).
 *
 * @example
 * formatLogLine("WARN", { agent: "judge-2", attempt: 1 }, "retrying", new Date(0))
 * // "1970-01-01T00:00:00.000Z WARN  retrying agent=judge-2 attempt=1"
 */
export function formatLogLine(level: string, fields: LogFields, message: string, time: Date): string {
  let line = `${time.toISOString()} ${level.padEnd(5)} ${message}`;
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined) continue;
    const text = String(value);
    line += ` ${key}=${/^[^\s"=]+$/.test(text) ? text : JSON.stringify(text)}`;
  }
  return line;
}
