/** SIGINT and SIGTERM during a run: send nothing new, save what arrives, then exit. */
import type { Log } from "../core/log.js";
import type { ParallellmOptions } from "../parallellm-options.js";

export interface InterruptibleRun {
  /** Where the run logs (the signal is a warning). */
  readonly log: Log;
  readonly session: number;
  /** Stop sending (the first signal). */
  readonly stop: (signal: NodeJS.Signals) => void;
  /** Close the run (waits for calls in flight and saves). */
  readonly close: () => Promise<unknown>;
}

/**
 * Installs the handlers (unless `handleSignals: false`); returns how to remove them.
 * A second signal, or the grace period running out, exits at once.
 */
export function installSignalHandlers(
  setting: ParallellmOptions["handleSignals"],
  run: InterruptibleRun,
): (() => void) | undefined {
  if (setting === false) return undefined;
  const graceMs = (typeof setting === "object" ? setting.graceMs : undefined) ?? 10_000;
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === "SIGINT" ? 130 : 143;
    if (interrupted) process.exit(code);
    interrupted = true;
    run.log.warn(
      { session: run.session, signal },
      `${signal}: sending nothing new; waiting up to ${graceMs / 1000}s for calls in flight, then saving. ${signal === "SIGINT" ? "Ctrl-C" : "Signal"} again to quit at once.`,
    );
    run.stop(signal);
    setTimeout(() => process.exit(code), graceMs).unref();
    run.close().then(
      () => process.exit(code),
      () => process.exit(code),
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}
