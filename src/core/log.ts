/**
 * What the library tells about its work, at the level the user chooses, to a
 * pino-compatible logger. Every method checks its level first; callers on a hot
 * path (each ask) check `debugOn` before building a record at all.
 */

/** How much is logged: `silent` nothing, `error` only what makes the run fail, up to `debug` every send, receive and replay. */
export type LogLevel = "silent" | "error" | "warn" | "info" | "debug";

/** The levels, from the quietest. */
export const logLevels: readonly LogLevel[] = ["silent", "error", "warn", "info", "debug"];

/**
 * A pino-compatible logger: each method is called as pino's are, with the
 * record's fields and then its message.
 *
 * @example
 * import pino from "pino";
 * await Parallellm.open(".pllm/t", { logger: pino(), logLevel: "info" });
 */
export interface Logger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** The methods a logger must have. */
export const loggerMethods = ["debug", "info", "warn", "error"] as const;

/** The structured fields of a record, each where it applies. */
export interface LogFields {
  readonly agent?: string | undefined;
  /** The call: its request hash's first characters and its occurrence (`callLabel`). */
  readonly call?: string | undefined;
  readonly provider?: string | undefined;
  readonly model?: string | undefined;
  /** 1 for a call's first attempt. */
  readonly attempt?: number | undefined;
  /** The batch's tag (`pllm-s3-…`). */
  readonly batch?: string | undefined;
  readonly session?: number | undefined;
  /** An HTTP status, or the state of a batch. */
  readonly status?: number | string | undefined;
  readonly durationMs?: number | undefined;
  /** The error's message (never its request, and never an API key). */
  readonly error?: string | undefined;
  readonly [field: string]: string | number | boolean | undefined;
}

/** A logger behind a level: records below it are never passed on. */
export class Log {
  readonly debugOn: boolean;
  readonly infoOn: boolean;
  readonly warnOn: boolean;
  readonly errorOn: boolean;
  readonly #logger: Logger;

  constructor(level: LogLevel, logger: Logger) {
    const rank = logLevels.indexOf(level);
    this.errorOn = rank >= 1;
    this.warnOn = rank >= 2;
    this.infoOn = rank >= 3;
    this.debugOn = rank >= 4;
    this.#logger = logger;
  }

  debug(fields: LogFields, message: string): void {
    if (this.debugOn) this.#logger.debug(fields, message);
  }

  info(fields: LogFields, message: string): void {
    if (this.infoOn) this.#logger.info(fields, message);
  }

  warn(fields: LogFields, message: string): void {
    if (this.warnOn) this.#logger.warn(fields, message);
  }

  error(fields: LogFields, message: string): void {
    if (this.errorOn) this.#logger.error(fields, message);
  }
}

/** A log that passes nothing on (tests and tools that run the engine without a run). */
export const silentLog = new Log("silent", {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
});

/** How records name a call: the first 12 characters of its request hash, then `#` and its occurrence. */
export function callLabel(hash: string, occurrence: number): string {
  return `${hash.slice(0, 12)}#${occurrence}`;
}

/** The message of whatever was thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
