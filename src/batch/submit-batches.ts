/**
 * Close of a batch run: plan the collected calls into batches, archive each
 * input, record the intent, create the batch at the provider, record its id.
 * Intent before create, id after: a crash in between is reconciled at the next
 * open (see sync-batches.ts) and never leads to a second submission.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { ProviderError } from "../core/errors.js";
import type { PreparedCall } from "../core/prepare-call.js";
import type { BatchApi } from "../providers/provider.js";
import { answerKey, type CallKey, type Store } from "../store/store.js";
import type { ArchiveFile, BatchArchive } from "./batch-archive.js";
import { type PlannedBatch, planBatches } from "./plan-batches.js";

export interface CollectedCall {
  readonly key: CallKey;
  readonly seq: number;
  readonly call: PreparedCall;
  /** The call failed in an earlier run: it goes again, it is not new. */
  readonly resubmitted?: boolean | undefined;
}

export interface SubmittedBatch {
  readonly provider: string;
  readonly model: string;
  readonly tag: string;
  /** The provider's id; `undefined` for a preview or a failed submission. */
  readonly providerBatchId: string | undefined;
  readonly requestCount: number;
  /** Of `requestCount`, calls that failed in an earlier run and go again. */
  readonly resubmitted: number;
  readonly bytes: number;
  readonly inputPath: string;
  readonly error?: string | undefined;
  /** The provider refused to create the batch (400-class): submitting it again as it is will not help. */
  readonly rejected?: boolean | undefined;
}

/** What the user is asked to approve: one line per provider/model. */
export interface BatchPreview {
  readonly provider: string;
  readonly model: string;
  readonly requests: number;
  readonly batches: number;
  readonly estimatedInputTokens: number;
}

export interface SubmitOptions {
  readonly store: Store;
  readonly session: number;
  readonly archive: BatchArchive;
  readonly batchApiFor: (provider: string) => BatchApi;
  /** Write the input files, submit nothing. */
  readonly preview?: boolean;
  /** Asked once before anything is submitted; false keeps everything unsubmitted. */
  readonly approve?: (preview: readonly BatchPreview[]) => Promise<boolean>;
}

export interface SubmitReport {
  readonly submitted: readonly SubmittedBatch[];
  readonly preview: readonly BatchPreview[];
  /** False when `approve` said no or `preview` was set. */
  readonly sent: boolean;
  /**
   * Collected calls left out because another worker of the store answered them or put
   * them in its batch while this run ran: they wait there, and are not submitted twice.
   */
  readonly takenElsewhere: number;
}

export async function submitBatches(
  collected: readonly CollectedCall[],
  options: SubmitOptions,
): Promise<SubmitReport> {
  const { store } = options;
  if (!store.withLock || !store.takenCalls) return submitCollected(collected, options, 0);
  // Workers of one store submit one at a time: what another worker took since this run read
  // the store is left out, and the rest recorded, before the next worker looks.
  const locked = await store.withLock("batches", true, async () => {
    const taken = await store.takenCalls!(collected.map((call) => call.key));
    const kept = taken.size === 0 ? collected : collected.filter((call) => !taken.has(answerKey(call.key)));
    // Nothing left to submit: nothing to preview or approve either.
    if (kept.length === 0) return { submitted: [], preview: [], sent: true, takenElsewhere: collected.length };
    return submitCollected(kept, options, collected.length - kept.length);
  });
  return locked!.value;
}

async function submitCollected(
  collected: readonly CollectedCall[],
  options: SubmitOptions,
  takenElsewhere: number,
): Promise<SubmitReport> {
  const runId = randomUUID().slice(0, 8);
  // Custom ids unique to this submission: a result can only ever match the call it was made for,
  // even if reconciling picked the wrong provider batch (Anthropic keeps no tag to match on).
  const customIdOf = (index: number) => `s${options.session}-${runId}-${index}`;
  const tagOf = (index: number) => `pllm-s${options.session}-${runId}-${index}`;
  const inputs: ArchiveFile[] = [];
  let plans: PlannedBatch<CollectedCall>[];
  try {
    plans = planBatches(collected, {
      requestOf,
      customIdOf,
      nameOf,
      batchApiFor: options.batchApiFor,
      writeLine: (batch, line, bytes) => {
        inputs[batch] ??= options.archive.createInput(tagOf(batch));
        inputs[batch].add(line, bytes);
      },
    });
  } catch (error) {
    for (const input of inputs) {
      input.close();
      rmSync(input.path, { force: true });
    }
    throw error;
  }
  for (const input of inputs) input.close();
  const preview = previewOf(plans);
  if (options.preview || (options.approve && !(await options.approve(preview)))) {
    const submitted = plans.map((plan, index) => ({
      provider: plan.provider,
      model: plan.model,
      tag: tagOf(index),
      providerBatchId: undefined,
      requestCount: plan.calls.length,
      resubmitted: resubmittedIn(plan),
      bytes: plan.bytes,
      inputPath: inputs[index].path,
    }));
    return { submitted, preview, sent: false, takenElsewhere };
  }
  const submitted: SubmittedBatch[] = [];
  for (const [index, plan] of plans.entries()) {
    submitted.push(await submitOne(plan, tagOf(index), inputs[index].path, customIdOf, options));
  }
  return { submitted, preview, sent: true, takenElsewhere };
}

async function submitOne(
  plan: PlannedBatch<CollectedCall>,
  tag: string,
  inputPath: string,
  customIdOf: (index: number) => string,
  options: SubmitOptions,
): Promise<SubmittedBatch> {
  const { store } = options;
  const batchId = await store.recordBatchIntent({
    tag,
    provider: plan.provider,
    model: plan.model,
    session: options.session,
    bytes: plan.bytes,
    createdAt: Date.now(),
    requestCount: plan.calls.length,
    calls: intentCalls(plan, customIdOf),
  });
  const base = {
    provider: plan.provider,
    model: plan.model,
    tag,
    requestCount: plan.calls.length,
    resubmitted: resubmittedIn(plan),
    bytes: plan.bytes,
    inputPath,
  };
  try {
    const { id } = await options.batchApiFor(plan.provider).submit({
      model: plan.model,
      items: plan.calls.map((call, at) => ({ customId: customIdOf(plan.indices[at]), request: call.call.request })),
      inputPath,
      tag,
    });
    await store.updateBatch(batchId, { state: "pending", providerBatchId: id });
    return { ...base, providerBatchId: id };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // An HTTP answer means the provider did not create the batch; anything else
    // (a dropped connection) leaves the outcome unknown: the next open reconciles it.
    if (error instanceof ProviderError && error.statusCode !== undefined) {
      await store.updateBatch(batchId, { state: "abandoned", message });
    }
    const rejected = error instanceof ProviderError && !error.isRetryable;
    return { ...base, providerBatchId: undefined, error: message, rejected };
  }
}

function resubmittedIn(plan: PlannedBatch<CollectedCall>): number {
  return plan.calls.reduce((count, call) => count + (call.resubmitted ? 1 : 0), 0);
}

function* intentCalls(plan: PlannedBatch<CollectedCall>, customIdOf: (index: number) => string) {
  for (let at = 0; at < plan.calls.length; at++) {
    const { key, seq, call } = plan.calls[at];
    yield {
      agent: key.agent,
      hash: key.hash,
      occurrence: key.occurrence,
      customId: customIdOf(plan.indices[at]),
      seq,
      canonical: call.canonical.json,
      documents: call.canonical.documents,
    };
  }
}

const requestOf = (collected: CollectedCall) => collected.call.request;
const nameOf = (collected: CollectedCall) => `Ask #${collected.seq} of agent "${collected.key.agent}"`;

function previewOf(plans: readonly PlannedBatch<CollectedCall>[]): BatchPreview[] {
  const byModel = new Map<string, BatchPreview>();
  for (const plan of plans) {
    const key = `${plan.provider}/${plan.model}`;
    const known = byModel.get(key);
    // About 4 bytes of JSON per token; the bodies carry some structure, so this errs high.
    const tokens = Math.ceil(plan.bytes / 4);
    byModel.set(key, {
      provider: plan.provider,
      model: plan.model,
      requests: (known?.requests ?? 0) + plan.calls.length,
      batches: (known?.batches ?? 0) + 1,
      estimatedInputTokens: (known?.estimatedInputTokens ?? 0) + tokens,
    });
  }
  return [...byModel.values()];
}
