/**
 * What a run reports to tracing. Present only when the user passed a tracer
 * (the `telemetry` option), so a run without one does no work for it: each
 * hook is one optional call. The OpenTelemetry adapter is `src/telemetry/`.
 */
import type { CallKey, StoredAnswer } from "../store/store.js";
import type { LLMResult } from "./llm.js";
import type { PreparedCall } from "./prepare-call.js";

/** The hooks of the call engine. */
export interface RunTelemetry {
  /** An agent scope opened. */
  agentStarted(agent: string): void;
  /** An agent scope closed; `error` is what its function threw (a halt included), `undefined` when it returned. */
  agentEnded(agent: string, error: unknown): void;
  /** A stored answer was replayed for an ask: nothing was sent. */
  callReplayed(key: CallKey, call: PreparedCall, answer: StoredAnswer): void;
  /** A call goes to `call.llm` (its model `position` of its `llm` list, 0 for the first); ended by the span. */
  callStarted(key: CallKey, call: PreparedCall, position: number): CallSpan;
}

/** One model asked for one call, from the start of its first attempt to its answer or its last failure. */
export interface CallSpan {
  /**
   * The model answered (`result`), failed (`error`), or, with neither, the call was not
   * sent by this worker after all (another worker of a shared store sends it).
   */
  ended(result: LLMResult | undefined, error: unknown): void;
}
