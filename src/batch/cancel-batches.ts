/**
 * Cancel pending batches at their provider (`pllm.cancelBatches`). The store
 * keeps each one pending, with a note of the request: the provider ends it on
 * its own time (in-flight requests may still finish), and the next open
 * ingests it as any ended batch, answers kept and the rest collected again.
 */
import { checkOptions, defineOptions } from "../core/check-options.js";
import { InputError, ProviderError } from "../core/errors.js";
import type { BatchApi } from "../providers/provider.js";
import type { BatchRecord, Store } from "../store/store.js";

/** Which pending batches to cancel; without either list, every pending batch. */
export interface CancelBatchesOptions {
  /** Our tags of the batches (as the run summary and `batches/` file names show them). */
  readonly tags?: readonly string[] | undefined;
  /** The provider's ids of the batches. */
  readonly providerBatchIds?: readonly string[] | undefined;
}

/** What `cancelBatches` did, batch by batch: a refusal is a value, not an exception. */
export interface CancelBatchesReport {
  /** Batches the provider accepted to cancel: they stay pending until it reports them ended. */
  readonly cancelling: readonly CancelledBatch[];
  /** Batches the provider did not cancel, with what it said (e.g. it had ended already). */
  readonly failed: readonly (CancelledBatch & { readonly message: string })[];
}

export interface CancelledBatch {
  readonly tag: string;
  readonly provider: string;
  readonly providerBatchId: string;
}

/**
 * Asks each selected pending batch's provider to cancel it, one after another,
 * and records the request on the stored batch.
 *
 * @throws InputError for a selection that names a batch that is not pending (or unknown), or a bad option.
 */
export async function cancelBatches(
  selection: CancelBatchesOptions,
  context: { readonly store: Store; readonly batchApiFor: (provider: string) => BatchApi | undefined },
): Promise<CancelBatchesReport> {
  checkOptions(selection, _cancelOptions);
  const pending = (await context.store.openBatches()).filter(
    (batch): batch is BatchRecord & { providerBatchId: string } =>
      batch.state === "pending" && batch.providerBatchId !== undefined,
  );
  const chosen = _select(pending, selection);
  const cancelling: CancelledBatch[] = [];
  const failed: (CancelledBatch & { message: string })[] = [];
  for (const batch of chosen) {
    const named = { tag: batch.tag, provider: batch.provider, providerBatchId: batch.providerBatchId };
    const api = context.batchApiFor(batch.provider);
    if (!api) {
      failed.push({ ...named, message: `The ${batch.provider} provider has no Batch API in this run.` });
      continue;
    }
    try {
      await api.cancel(batch.providerBatchId);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      failed.push({ ...named, message: error.message });
      continue;
    }
    await context.store.updateBatch(batch.id, {
      state: "pending",
      message: `Cancel requested on ${new Date().toISOString()}; pending until ${batch.provider} reports it ended.`,
    });
    cancelling.push(named);
  }
  return { cancelling, failed };
}

// --- internal ---

const _isStringList = (value: unknown) => Array.isArray(value) && value.every((entry) => typeof entry === "string");

const _cancelOptions = defineOptions<CancelBatchesOptions>("cancelBatches options", {
  tags: ["a list of batch tags", _isStringList],
  providerBatchIds: ["a list of provider batch ids", _isStringList],
});

/** The pending batches the selection names; a name that matches none is refused, so nothing is silently left running. */
function _select<Batch extends BatchRecord & { providerBatchId: string }>(
  pending: readonly Batch[],
  selection: CancelBatchesOptions,
): Batch[] {
  if (selection.tags === undefined && selection.providerBatchIds === undefined) return [...pending];
  const tags = new Set(selection.tags ?? []);
  const ids = new Set(selection.providerBatchIds ?? []);
  const unmatched = [
    ...[...tags].filter((tag) => !pending.some((batch) => batch.tag === tag)),
    ...[...ids].filter((id) => !pending.some((batch) => batch.providerBatchId === id)),
  ];
  if (unmatched.length > 0) {
    const known = pending.map((batch) => `${batch.tag} (${batch.providerBatchId})`).join(", ") || "none";
    throw new InputError(
      `No pending batch is ${unmatched.map((name) => `"${name}"`).join(", ")}, so nothing was cancelled. Pending batches: ${known}. Name pending batches by tag or provider id, or pass no selection to cancel them all.`,
    );
  }
  return pending.filter((batch) => tags.has(batch.tag) || ids.has(batch.providerBatchId));
}
