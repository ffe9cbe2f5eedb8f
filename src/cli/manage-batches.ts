/**
 * The writes of `pllm batches`: ingest what ended now (`--refresh`), and
 * cancel pending batches at their providers (`--cancel`). The built-in
 * providers read their API keys (and base URLs) from the environment, as a run
 * without `clients` does; a provider a pipeline registers itself is not known here.
 */
import { type CancelBatchesOptions, type CancelBatchesReport, cancelBatches } from "../batch/cancel-batches.js";
import type { BatchSummary } from "../dashboard/run-summary.js";
import { Parallellm } from "../parallellm.js";
import { createProviderRouter } from "../run/run-providers.js";
import type { BatchRecord } from "../store/store.js";
import type { BatchRow } from "../store/workspace-reader.js";
import { openStoreOf } from "./open-store.js";
import { importPostgres, postgresTargetOf, withWorkspace } from "./workspace-args.js";

/** The workspace a command names: `[dir]`, and `--pg` and `--pg-schema` when its store is PostgreSQL. */
type WorkspaceOf = { readonly dir?: unknown; readonly pg?: unknown; readonly "pg-schema"?: unknown };

export interface RefreshReport {
  /** What the ingest found (the session's `batches` summary, without what a run submits). */
  readonly sync: Pick<BatchSummary, "ingested" | "failedRequests" | "unfinishedRequests" | "pending" | "warnings"> & {
    readonly answers: number;
    readonly failedBatches: BatchSummary["failed"];
  };
  /** The session the ingest ran as (its answers are stored under it). */
  readonly session: number;
  /** Batches whose state or counts changed. */
  readonly changed: readonly BatchRow[];
  /** Every batch, after. */
  readonly batches: readonly BatchRow[];
}

/**
 * Polls every open batch and ingests those that ended, as the open of a run does
 * (a session of its own that asks nothing), under the workspace lock (SQLite).
 */
export async function refreshBatches(workspace: WorkspaceOf, cohortLock: boolean): Promise<RefreshReport> {
  // Read first: a directory that is not a workspace is refused before anything is made there.
  const before = await withWorkspace(workspace, (reader) => reader.batches());
  const target = postgresTargetOf(workspace);
  const store =
    target &&
    (await importPostgres(() => import("../postgres.js"))).postgresStore(target.url, { schema: target.schema });
  const pllm = await Parallellm.open(String(workspace.dir ?? "."), {
    strategy: "batch",
    summary: false,
    cohortLock,
    ...(store ? { store } : {}),
  });
  const summary = await pllm.close();
  const batches = await withWorkspace(workspace, (reader) => reader.batches());
  const earlier = new Map(before.map((batch) => [batch.id, batch]));
  const changed = batches.filter((batch) => {
    const was = earlier.get(batch.id);
    return (
      !was ||
      was.state !== batch.state ||
      was.answered !== batch.answered ||
      was.failed !== batch.failed ||
      was.open !== batch.open
    );
  });
  const { ingested, ingestedAnswers, failedRequests, unfinishedRequests, pending, failed, warnings } = summary.batches;
  return {
    sync: {
      ingested,
      answers: ingestedAnswers,
      failedRequests,
      unfinishedRequests,
      pending,
      failedBatches: failed,
      warnings,
    },
    session: summary.session,
    changed,
    batches,
  };
}

/**
 * Asks the providers to cancel the pending batches `names` (each an id, a tag or
 * a provider batch id), or all of them, under the workspace lock.
 *
 * @throws InputError naming what is not a pending batch, before anything is cancelled.
 */
export async function cancelNamedBatches(
  workspace: WorkspaceOf,
  names: readonly string[] | "all",
): Promise<CancelBatchesReport> {
  const store = await openStoreOf(workspace, "change");
  try {
    const selection = names === "all" ? {} : _selectionOf(names, await store.openBatches());
    const router = createProviderRouter({});
    return await cancelBatches(selection, {
      store,
      batchApiFor: (provider) => (router.names.includes(provider) ? router.get(provider).batch : undefined),
    });
  } finally {
    await store.close();
  }
}

// --- internal ---

/** Names as `cancelBatches` takes them: an id becomes its batch's tag; what matches nothing is left for it to refuse. */
function _selectionOf(names: readonly string[], open: readonly BatchRecord[]): CancelBatchesOptions {
  const tags: string[] = [];
  const providerBatchIds: string[] = [];
  for (const name of names) {
    const byId = open.find((batch) => String(batch.id) === name);
    if (byId) tags.push(byId.tag);
    else if (open.some((batch) => batch.providerBatchId === name)) providerBatchIds.push(name);
    else tags.push(name);
  }
  return { tags, providerBatchIds };
}
