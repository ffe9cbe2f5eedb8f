/** The `telemetry` option: spans of runs, agents and calls, sent to a tracer the user made. */
import type { Tracer } from "@opentelemetry/api";

/** `Parallellm.open(directory, { telemetry: { tracer } })`: README "Telemetry". */
export interface TelemetryOptions {
  /**
   * The OpenTelemetry tracer the spans go to (`trace.getTracer("my-pipeline")`, from
   * `@opentelemetry/api`, which must then be installed). Without it nothing is recorded.
   */
  readonly tracer: Tracer;
}
