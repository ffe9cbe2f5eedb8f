/**
 * A run's side of the provider batches of its workspace: ingest what ended at
 * open, submit what the strategy collected at close, cancel on request. One
 * archive and one way to find each provider's Batch API for all three.
 */
import { InputError } from "../core/errors.js";
import type { Log } from "../core/log.js";
import type { BatchSettings } from "../parallellm-options.js";
import type { BatchApi } from "../providers/provider.js";
import type { ProviderRouter } from "../providers/router.js";
import type { Store, UsageRow } from "../store/store.js";
import { approveBatches } from "./approve-batches.js";
import { BatchArchive } from "./batch-archive.js";
import { type CancelBatchesOptions, type CancelBatchesReport, cancelBatches } from "./cancel-batches.js";
import { type CollectedCall, type SubmitReport, submitBatches } from "./submit-batches.js";
import { type BatchSyncReport, syncBatches } from "./sync-batches.js";

export interface WorkspaceBatchesOptions {
  readonly store: Store;
  readonly session: number;
  readonly directory: string;
  readonly providers: ProviderRouter;
  readonly settings: BatchSettings;
  readonly cohortLock: boolean | undefined;
  /** Store each batch answer's result line with it. */
  readonly keepRaw: boolean;
  /** Prints the approval prompt's lines (`batch.confirm`). */
  readonly say: (text: string) => void;
  readonly log: Log;
}

export class WorkspaceBatches {
  readonly #options: WorkspaceBatchesOptions;
  readonly #archive: BatchArchive;
  /** What the ingest at open found; `undefined` before it ran. */
  synced: BatchSyncReport | undefined;
  /** Tokens of the answers that ingest brought in, by model (the dashboard counts them). */
  ingestedUsage: readonly UsageRow[] = [];

  constructor(options: WorkspaceBatchesOptions) {
    this.#options = options;
    this.#archive = new BatchArchive(options.directory);
  }

  /** At open: reconcile, poll and ingest every open batch of the workspace. */
  async sync(): Promise<BatchSyncReport> {
    const { store, session, cohortLock, keepRaw, log } = this.#options;
    this.synced = await syncBatches({
      store,
      session,
      keepRaw,
      archive: this.#archive,
      batchApiFor: (provider) => this.#apiOf(provider),
      cohortLock,
      log,
    });
    if (this.synced.answers > 0) this.ingestedUsage = await store.usage(session);
    return this.synced;
  }

  /** At close: the calls the strategy collected go out as provider batches. */
  async submit(collected: readonly CollectedCall[]): Promise<SubmitReport> {
    const { store, session, settings, say } = this.#options;
    const report = await submitBatches(collected, {
      store,
      session,
      archive: this.#archive,
      batchApiFor: (provider) => {
        const api = this.#apiOf(provider);
        if (!api) {
          throw new InputError(`The ${provider} provider has no Batch API here; use strategy "async" for its calls.`);
        }
        return api;
      },
      preview: settings.preview,
      approve: settings.confirm ? (preview) => approveBatches(preview, settings, say, this.#options.log) : undefined,
    });
    this.#logSubmitted(report);
    return report;
  }

  /** Cancel pending batches at their providers (see `Parallellm.cancelBatches`). */
  async cancel(selection: CancelBatchesOptions): Promise<CancelBatchesReport> {
    const report = await cancelBatches(selection, {
      store: this.#options.store,
      batchApiFor: (provider) => this.#apiOf(provider),
    });
    const { log, session } = this.#options;
    for (const batch of report.cancelling) {
      log.info(
        { session, batch: batch.tag, provider: batch.provider, providerBatchId: batch.providerBatchId },
        "batch cancel requested",
      );
    }
    for (const batch of report.failed) {
      log.warn(
        {
          session,
          batch: batch.tag,
          provider: batch.provider,
          providerBatchId: batch.providerBatchId,
          error: batch.message,
        },
        "batch not cancelled",
      );
    }
    return report;
  }

  #logSubmitted(report: SubmitReport): void {
    const { log, session } = this.#options;
    for (const batch of report.submitted) {
      const fields = {
        session,
        batch: batch.tag,
        provider: batch.provider,
        model: batch.model,
        requests: batch.requestCount,
        bytes: batch.bytes,
      };
      if (!report.sent) log.info({ ...fields, file: batch.inputPath }, "batch written, not submitted");
      else if (batch.error === undefined)
        log.info({ ...fields, providerBatchId: batch.providerBatchId }, "batch submitted");
      else log.warn({ ...fields, error: batch.error }, "batch submission failed");
    }
  }

  #apiOf(provider: string): BatchApi | undefined {
    return this.#options.providers.get(provider).batch;
  }
}
