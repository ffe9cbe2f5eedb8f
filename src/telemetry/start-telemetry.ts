/**
 * The `telemetry` option turned into the run's spans. `@opentelemetry/api` is
 * an optional peer dependency: imported here, only when a tracer is given.
 */
import { InputError } from "../core/errors.js";
import type { OtelRunTelemetry, RunSpanInfo } from "./otel-run-telemetry.js";
import type { TelemetryOptions } from "./telemetry-options.js";

/** Starts a run's spans; made once the adapter is imported. */
export type StartTelemetry = (info: RunSpanInfo) => OtelRunTelemetry;

/** @throws InputError when `@opentelemetry/api` cannot be imported. */
export async function loadTelemetry(options: TelemetryOptions): Promise<StartTelemetry> {
  let adapter: typeof import("./otel-run-telemetry.js");
  try {
    adapter = await import("./otel-run-telemetry.js");
  } catch (error) {
    throw new InputError(
      `The telemetry option needs \`@opentelemetry/api\`, which could not be imported (${(error as Error).message}). Install it beside your OpenTelemetry SDK: npm install @opentelemetry/api.`,
      { cause: error },
    );
  }
  return (info) => new adapter.OtelRunTelemetry(options.tracer, info);
}
