/**
 * Open of a run: reconcile batches whose creation was not recorded, poll the
 * pending ones, ingest those that ended (successes to responses, per-request
 * errors to failures); what expired, was cancelled or failed is collected again
 * by this run simply because it has no answer and is no longer pending.
 */
import { rmSync } from "node:fs";
import { noDocuments } from "../core/canonical.js";
import { type ProviderError, TransientProviderError } from "../core/errors.js";
import { describeFailedCall } from "../core/failed-for-good.js";
import type { Log } from "../core/log.js";
import type { BatchApi, BatchStatus } from "../providers/provider.js";
import type { BatchCall, BatchRecord, ResponseRecord, Store } from "../store/store.js";
import type { BatchArchive } from "./batch-archive.js";
import { ResultLines } from "./result-lines.js";

/** Answers per ingest transaction; their results are small once parsed (the raw lines are already gone). */
const answersPerCommit = 2000;
/** Provider batches tried, one after another, as an intent's own when reconciling proved the first wrong. */
const maxMatchesPerIntent = 2;

export interface SyncOptions {
  readonly store: Store;
  readonly session: number;
  readonly archive: BatchArchive;
  readonly batchApiFor: (provider: string) => BatchApi | undefined;
  /** Ingest a session's batches only once all of that session's batches have ended. */
  readonly cohortLock?: boolean;
  /** Store each answer's result line (as received) with it. */
  readonly keepRaw: boolean;
  /** Told of each batch ingested (info), each that failed and each warning (warn). */
  readonly log: Log;
}

export interface BatchSyncReport {
  /** Batches still running at the provider (or held back by cohortLock, or being ingested by another worker). */
  readonly pending: number;
  readonly ingested: number;
  readonly answers: number;
  /** Requests of ingested batches that failed (per-request errors), and the first of them, named. */
  readonly failures: number;
  readonly firstFailure: string | undefined;
  /** Requests of ingested batches left without an answer otherwise: expired, cancelled, no result. */
  readonly unfinished: number;
  /** Batches that failed as a whole (e.g. rejected input). */
  readonly failedBatches: readonly { readonly tag: string; readonly message: string }[];
  readonly reconciled: number;
  readonly abandoned: number;
  readonly warnings: readonly string[];
}

/** The report as it is filled in. */
type Tally = ReturnType<typeof emptyTally>;

function emptyTally() {
  return {
    pending: 0,
    ingested: 0,
    answers: 0,
    failures: 0,
    firstFailure: undefined as string | undefined,
    unfinished: 0,
    failedBatches: [] as { tag: string; message: string }[],
    reconciled: 0,
    abandoned: 0,
    warnings: [] as string[],
  };
}

export async function syncBatches(options: SyncOptions): Promise<BatchSyncReport> {
  const { store } = options;
  const report = emptyTally();
  const ended: { batch: BatchRecord & { providerBatchId: string }; status: BatchStatus }[] = [];
  const sessionsStillRunning = new Set<number>();
  let open = await store.openBatches();
  if (open.some((batch) => batch.state === "submitting")) {
    // Workers of one store: under the lock every submission holds, so an intent seen
    // `submitting` there is not one a live worker is creating, and one worker adopts each batch.
    open = store.withLock
      ? (await store.withLock("batches", true, async () => reconcile(await store.openBatches(), options, report)))!
          .value
      : await reconcile(open, options, report);
  }
  for (const batch of open) {
    const api = options.batchApiFor(batch.provider);
    if (!api) {
      warn(
        options,
        report,
        batch,
        `Batch ${batch.tag} is for ${batch.provider}, which has no batch support in this run.`,
      );
      report.pending++;
      continue;
    }
    const providerBatchId = batch.providerBatchId;
    const status = await keepPendingOnTransientError(batch, options, report, () => api.status(providerBatchId!));
    if (status === undefined) continue;
    if (options.log.debugOn) {
      options.log.debug({ ...batchFields(options, batch), status: status.state, providerBatchId }, "batch polled");
    }
    if (status.state === "in-progress") {
      sessionsStillRunning.add(batch.session);
      report.pending++;
    } else ended.push({ batch: { ...batch, providerBatchId: providerBatchId! }, status });
  }
  for (const { batch, status } of ended) {
    if (options.cohortLock && sessionsStillRunning.has(batch.session)) {
      report.pending++;
      continue;
    }
    await keepPendingOnTransientError(batch, options, report, () => ingestOnce(batch, status, options, report));
  }
  return report;
}

/**
 * Find at the provider each batch whose creation was not recorded (state `submitting`):
 * found, it is pending; not found, it was never created, and its calls are collected again.
 * Returns `batches` as they stand after that.
 */
async function reconcile(batches: readonly BatchRecord[], options: SyncOptions, report: Tally): Promise<BatchRecord[]> {
  const { store } = options;
  const reconciled: BatchRecord[] = [];
  for (const batch of batches) {
    const api = options.batchApiFor(batch.provider);
    if (batch.state !== "submitting" || !api) {
      reconciled.push(batch);
      continue;
    }
    const providerBatchId = await api.find(batch.tag, {
      createdAfter: batch.createdAt,
      requestCount: batch.requestCount,
      exclude: new Set([...(await store.knownBatchIds(batch.provider)), ...batch.rejectedIds]),
    });
    if (providerBatchId === undefined) {
      await store.updateBatch(batch.id, {
        state: "abandoned",
        message: "never created at the provider; its calls are collected again",
      });
      report.abandoned++;
      continue;
    }
    await store.updateBatch(batch.id, { state: "pending", providerBatchId });
    report.reconciled++;
    options.log.info({ ...batchFields(options, batch), providerBatchId }, "batch reconciled");
    reconciled.push({ ...batch, state: "pending", providerBatchId });
  }
  return reconciled;
}

/**
 * Ingest `batch` unless another worker of the store does: it holds the batch's lock while it
 * ingests (its calls stay pending here), or it did since this run listed the open batches.
 */
async function ingestOnce(
  batch: BatchRecord & { providerBatchId: string },
  status: BatchStatus,
  options: SyncOptions,
  report: Tally,
): Promise<void> {
  const { store } = options;
  if (!store.withLock) return ingest(batch, status, options, report);
  const taken = await store.withLock(`ingest ${batch.id}`, false, async () => {
    const now = (await store.openBatches()).find((open) => open.id === batch.id);
    if (now?.state === "pending" && now.providerBatchId === batch.providerBatchId) {
      await ingest(batch, status, options, report);
    }
  });
  if (taken === undefined) report.pending++;
}

/**
 * A provider that cannot be reached (or a download cut off) leaves the batch
 * pending for the next run instead of failing this one; what was stored stays.
 */
async function keepPendingOnTransientError<T>(
  batch: BatchRecord,
  options: SyncOptions,
  report: Tally,
  step: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await step();
  } catch (error) {
    if (!(error instanceof TransientProviderError)) throw error;
    report.pending++;
    warn(options, report, batch, `Batch ${batch.tag}: ${error.message} It stays pending; the next run tries again.`);
    return undefined;
  }
}

async function ingest(
  batch: BatchRecord & { providerBatchId: string },
  status: BatchStatus,
  options: SyncOptions,
  report: Tally,
): Promise<void> {
  const { store, session, keepRaw } = options;
  const api = options.batchApiFor(batch.provider)!;
  const calls = await store.batchCalls(batch.id);
  // Every call of the batch left without an answer is a failure inside a batch: its
  // next batches are bounded (see core/failed-for-good.ts).
  const failure = async (
    call: BatchCall,
    what: { kind: string; message: string; statusCode?: number | undefined; requestId?: string | undefined },
  ) => {
    // Recorded by an ingest of this batch that a crash cut off: once is enough.
    if (call.ingested) return;
    await store.saveFailure({
      agent: call.agent,
      hash: call.hash,
      occurrence: call.occurrence,
      seq: call.seq,
      session,
      provider: batch.provider,
      model: batch.model,
      attempt: 1,
      kind: what.kind,
      statusCode: what.statusCode,
      message: what.message,
      requestId: what.requestId,
      at: Date.now(),
      viaBatch: true,
    });
  };
  const requestFailed = (call: BatchCall, error: ProviderError) => {
    const message = error.providerMessage ?? error.message;
    report.failures++;
    report.firstFailure ??= describeFailedCall({
      agent: call.agent,
      provider: batch.provider,
      model: batch.model,
      statusCode: error.statusCode,
      message,
    });
    return failure(call, { kind: error.kind, message, statusCode: error.statusCode, requestId: error.requestId });
  };
  const unfinished = (call: BatchCall, kind: string, message: string) => {
    report.unfinished++;
    return failure(call, { kind, message });
  };
  if (status.state === "failed") {
    const message = `batch ${batch.providerBatchId} failed: ${status.message ?? "no reason given"}`;
    report.failedBatches.push({ tag: batch.tag, message });
    options.log.warn({ ...batchFields(options, batch), status: status.state, error: message }, "batch failed");
    await Promise.all([...calls.values()].map((call) => failure(call, { kind: "batch-failed", message })));
    await store.updateBatch(batch.id, { state: "ingested", message });
    report.ingested++;
    return;
  }
  const failuresBefore = report.failures;
  const output = options.archive.createOutput(batch.tag);
  const lines = new ResultLines(batch.tag, (offset) => output.lineAt(offset));
  let answers = 0;
  let outcomes = 0;
  // Results for custom ids that none of this batch's calls has: how many, and the first few.
  let unknownCount = 0;
  const unknownExamples: string[] = [];
  const receivedAt = Date.now();
  // Answers are committed a few thousand at a time: one transaction per downloaded
  // piece would rewrite the same index pages into the WAL hundreds of times.
  let queued: ResponseRecord[] = [];
  const commitQueued = async () => {
    const records = queued;
    queued = [];
    await Promise.all(records.map((record) => store.saveResponse(record)));
  };
  try {
    for await (const chunk of api.results(batch.providerBatchId, status)) {
      for (const warning of chunk.warnings ?? []) warn(options, report, batch, `${batch.tag}: ${warning}`);
      const offsets = chunk.lines.map((line) => output.add(line.raw));
      for (const [customId, { raw, outcome }] of lines.accept(chunk.lines, offsets)) {
        const call = calls.get(customId);
        if (!call) {
          if (unknownCount++ < 3) unknownExamples.push(`"${customId}"`);
          continue;
        }
        outcomes++;
        // Stored by an ingest of this batch that a crash cut off: kept as it is.
        if (call.ingested) continue;
        if (outcome.status === "succeeded") {
          answers++;
          queued.push({
            agent: call.agent,
            hash: call.hash,
            occurrence: call.occurrence,
            seq: call.seq,
            session,
            provider: batch.provider,
            model: batch.model,
            canonical: undefined,
            // Stored with the batch's intent.
            documents: noDocuments,
            result: outcome.result,
            raw: keepRaw ? raw : undefined,
            sentAt: batch.createdAt,
            receivedAt,
            mode: "replace",
            viaBatch: true,
          });
        } else if (outcome.status === "failed") await requestFailed(call, outcome.error);
        else await unfinished(call, outcome.status, `the batch ended (${outcome.status}) before this request was done`);
      }
      if (queued.length >= answersPerCommit) await commitQueued();
    }
  } finally {
    // Also when the download breaks off: what arrived is kept.
    output.close();
    await commitQueued();
  }
  if (outcomes === 0 && unknownCount > 0) {
    // Custom ids are unique to a submission: results without one of ours are another
    // submission's. Only reconciling can match such a batch (a provider that keeps no tag
    // matches on creation time and size). Look once more without it at the next open; a
    // second wrong match means the intent's own batch is not to be found: its calls are
    // collected again (with many batches of the same size, looking on could take many runs).
    const foreign = `provider batch ${batch.providerBatchId}, matched to it after a crash, holds none of its calls (another submission's, of the same size)`;
    // Another submission's results are not this batch's archive.
    rmSync(output.path, { force: true });
    if (batch.rejectedIds.length + 1 < maxMatchesPerIntent) {
      await store.rejectBatchMatch(batch.id, batch.providerBatchId, `${foreign}; looking again`);
      report.pending++;
      warn(options, report, batch, `${batch.tag}: ${foreign}; the next open looks for its own batch again.`);
    } else {
      await store.updateBatch(batch.id, { state: "abandoned", message: `${foreign}; its calls are collected again` });
      report.abandoned++;
      warn(
        options,
        report,
        batch,
        `${batch.tag}: ${foreign}; its own batch was not found, so its calls are collected again.`,
      );
    }
    return;
  }
  for (const warning of lines.warnings) warn(options, report, batch, warning);
  if (unknownCount > 0) {
    warn(
      options,
      report,
      batch,
      `${batch.tag}: ${unknownCount} result(s) for unknown custom ids (${unknownExamples.join(", ")}) were ignored.`,
    );
  }
  // Results that a later line contradicted: their answers no longer count; the calls are collected again.
  const withdrawn = lines.withdrawn.flatMap((customId) => calls.get(customId) ?? []);
  if (withdrawn.length > 0) answers -= await store.discardAnswers(withdrawn);
  report.answers += answers;
  const missing = calls.size - outcomes + withdrawn.length;
  if (missing > 0) {
    const kind = status.state === "expired" || status.state === "cancelled" ? status.state : "no-result";
    for (const [customId, call] of calls) {
      if (lines.settled(customId)) continue;
      await unfinished(call, kind, `batch ${batch.providerBatchId} (${status.state}) gave no usable result for it`);
    }
  }
  await store.updateBatch(batch.id, {
    state: "ingested",
    message: `${status.state}; ${answers} answers${missing > 0 ? `, ${missing} without a result (collected again)` : ""}`,
  });
  report.ingested++;
  options.log.info(
    {
      ...batchFields(options, batch),
      providerBatchId: batch.providerBatchId,
      status: status.state,
      answers,
      failures: report.failures - failuresBefore,
      withoutResult: missing,
    },
    "batch ingested",
  );
}

/** The fields of every record about `batch`. */
function batchFields(options: SyncOptions, batch: BatchRecord) {
  return { session: options.session, batch: batch.tag, provider: batch.provider, model: batch.model };
}

/** A warning of the ingest: in the run's summary, and logged as it happens. */
function warn(options: SyncOptions, report: Tally, batch: BatchRecord, text: string): void {
  report.warnings.push(text);
  options.log.warn(batchFields(options, batch), text);
}
