/**
 * Spans of one run through an OpenTelemetry tracer: the run, each agent scope
 * under it, each call under its agent (one span per model asked; a replayed
 * call is a span too, with `parallellm.cache_hit` true). Batches are events on
 * the run span: a batch outlives the run that submits it, so no span could
 * reach from a call's collection to its ingest.
 */
import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type { SubmittedBatch } from "../batch/submit-batches.js";
import type { BatchSyncReport } from "../batch/sync-batches.js";
import { NotAvailable } from "../core/errors.js";
import type { LLMResult, Usage } from "../core/llm.js";
import type { PreparedCall } from "../core/prepare-call.js";
import type { CallSpan, RunTelemetry } from "../core/run-telemetry.js";
import type { RunSummary } from "../dashboard/run-summary.js";
import { costOf, type ModelPrice } from "../providers/model-prices.js";
import type { CallKey, StoredAnswer } from "../store/store.js";
import { callSpanName, requestAttributes, resultAttributes } from "./gen-ai-attributes.js";

/** What the run span says of its run. */
export interface RunSpanInfo {
  readonly workspace: string;
  readonly session: number;
  readonly strategy: string;
  /** Prices that replace or add to the built-in ones, for each call's cost. */
  readonly prices: Readonly<Record<string, ModelPrice>>;
}

/** The spans of one run (see the file comment); made by `loadTelemetry` when a tracer is given. */
export class OtelRunTelemetry implements RunTelemetry {
  readonly #tracer: Tracer;
  readonly #prices: Readonly<Record<string, ModelPrice>>;
  readonly #run: Span;
  readonly #runContext: Context;
  /** The open agent scopes (their names are unique while open), with the context their calls are made in. */
  readonly #agents = new Map<string, { readonly span: Span; readonly context: Context }>();

  constructor(tracer: Tracer, info: RunSpanInfo) {
    this.#tracer = tracer;
    this.#prices = info.prices;
    this.#run = tracer.startSpan("parallellm.run", {
      kind: SpanKind.INTERNAL,
      attributes: {
        "parallellm.workspace": info.workspace,
        "parallellm.session": info.session,
        "parallellm.strategy": info.strategy,
      },
    });
    this.#runContext = trace.setSpan(context.active(), this.#run);
  }

  agentStarted(agent: string): void {
    const span = this.#tracer.startSpan(
      `invoke_agent ${agent}`,
      { kind: SpanKind.INTERNAL, attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": agent } },
      this.#runContext,
    );
    this.#agents.set(agent, { span, context: trace.setSpan(this.#runContext, span) });
  }

  agentEnded(agent: string, error: unknown): void {
    const open = this.#agents.get(agent);
    if (!open) return;
    this.#agents.delete(agent);
    // A halt (an answer not back from a batch yet) is how batch runs work, not a failure.
    if (error instanceof NotAvailable) open.span.setAttribute("parallellm.agent.halted", true);
    else if (error !== undefined) _fail(open.span, error);
    open.span.end();
  }

  callReplayed(key: CallKey, call: PreparedCall, answer: StoredAnswer): void {
    const attributes = requestAttributes(key, call, 0);
    attributes["parallellm.cache_hit"] = true;
    attributes["parallellm.via_batch"] = answer.viaBatch === true;
    const result = answer.result;
    const model = result.model ?? call.llm.model;
    const span = this.#tracer.startSpan(
      callSpanName(call.llm, call.request),
      { kind: SpanKind.INTERNAL, attributes },
      this.#contextOf(key.agent),
    );
    span.setAttributes(this.#answered(result, model, answer.viaBatch === true));
    span.end();
  }

  callStarted(key: CallKey, call: PreparedCall, position: number): CallSpan {
    const attributes = requestAttributes(key, call, position);
    attributes["parallellm.cache_hit"] = false;
    const span = this.#tracer.startSpan(
      callSpanName(call.llm, call.request),
      { kind: SpanKind.CLIENT, attributes },
      this.#contextOf(key.agent),
    );
    return {
      ended: (result, error) => {
        if (result) span.setAttributes(this.#answered(result, call.llm.model, false));
        else if (error !== undefined) _fail(span, error);
        span.end();
      },
    };
  }

  /** Batches ingested at open: an event on the run span. */
  batchesIngested(report: BatchSyncReport): void {
    if (report.ingested === 0 && report.pending === 0) return;
    this.#run.addEvent("parallellm.batch.ingest", {
      "parallellm.batch.ingested": report.ingested,
      "parallellm.batch.answers": report.answers,
      "parallellm.batch.failed_requests": report.failures,
      "parallellm.batch.pending": report.pending,
    });
  }

  /** Batches submitted at close: one event each on the run span, with the provider's batch id. */
  batchesSubmitted(batches: readonly SubmittedBatch[]): void {
    for (const batch of batches) {
      const attributes: Attributes = {
        "gen_ai.provider.name": batch.provider,
        "gen_ai.request.model": batch.model,
        "parallellm.batch.requests": batch.requestCount,
      };
      if (batch.providerBatchId !== undefined) attributes["parallellm.batch.id"] = batch.providerBatchId;
      if (batch.error !== undefined) attributes["error.type"] = "BatchSubmitError";
      this.#run.addEvent("parallellm.batch.submit", attributes);
    }
  }

  /** The run closed with `summary`, or failed to close with `error`. */
  runEnded(summary: RunSummary | undefined, error: unknown): void {
    for (const agent of [...this.#agents.keys()]) this.agentEnded(agent, undefined);
    if (summary) {
      this.#run.setAttributes({
        "parallellm.asked": summary.asked,
        "parallellm.replayed": summary.replayed,
        "parallellm.sent": summary.sent,
        "parallellm.received": summary.received,
        "parallellm.failed": summary.failed,
        "parallellm.collected": summary.collected,
        "gen_ai.usage.input_tokens": summary.inputTokens,
        "gen_ai.usage.output_tokens": summary.outputTokens,
      });
    }
    if (error !== undefined) _fail(this.#run, error);
    this.#run.end();
  }

  #contextOf(agent: string): Context {
    return this.#agents.get(agent)?.context ?? this.#runContext;
  }

  #answered(result: LLMResult, model: string, viaBatch: boolean): Attributes {
    const attributes = resultAttributes(result, model);
    const cost = _cost(model, result.usage, viaBatch, this.#prices);
    if (cost !== undefined) attributes["parallellm.cost_usd"] = cost;
    return attributes;
  }
}

// --- internal ---

function _fail(span: Span, error: unknown): void {
  const type = error instanceof Error ? error.name : "_OTHER";
  span.setAttribute("error.type", type);
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

function _cost(
  model: string,
  usage: Usage,
  viaBatch: boolean,
  prices: Readonly<Record<string, ModelPrice>>,
): number | undefined {
  if (usage.inputTokens === undefined) return undefined;
  const tokens = { input: usage.inputTokens, output: usage.outputTokens, cachedInput: usage.cachedInputTokens };
  return costOf(model, tokens, { batch: viaBatch, overrides: prices });
}
