/**
 * The fake server's batches, for all three providers: what was submitted, each
 * request's prepared outcome, and when the batch counts as done. Route modules
 * own the wire formats; this owns the lifecycle.
 */
import type { FakeProviderName, ReplyContext } from "./fake-server-types.js";

/** How submitted batches progress. Set with `server.setBatchBehavior`. */
export interface BatchBehavior {
  /** Status polls answered "in progress" before a batch is done. @default 0 (done at the first poll) */
  readonly completeAfterPolls?: number | undefined;
  /** ...and/or milliseconds after creation before it is done. @default 0 */
  readonly completeAfterMs?: number | undefined;
  /**
   * How a batch ends: `"completed"` (every request answered), `"expired"` or
   * `"cancelled"` (only the first `finishedBeforeEnd` requests answered),
   * `"failed"` (rejected as a whole, no results). @default "completed"
   */
  readonly outcome?: "completed" | "expired" | "cancelled" | "failed" | undefined;
  /** With `expired`/`cancelled`: how many requests finished. @default half, rounded down */
  readonly finishedBeforeEnd?: number | undefined;
  /**
   * Fail single requests: return an HTTP status (or a status and the message to
   * send instead of the provider's usual one) for those that should fail.
   */
  readonly failRequest?:
    | ((
        context: ReplyContext & { readonly customId: string },
      ) => number | { readonly status: number; readonly message?: string | undefined } | undefined)
    | undefined;
}

export type FakeBatchState = "in-progress" | "completed" | "expired" | "cancelled" | "failed";

/** One request of a batch, with the outcome it will have once processed. */
export interface FakeBatchItem {
  readonly customId: string;
  readonly context: ReplyContext;
  /** The provider-shaped success body, or the HTTP status and error body of a failure. */
  readonly outcome: { readonly status: number; readonly body: unknown };
}

export interface FakeBatch {
  readonly id: string;
  readonly provider: FakeProviderName;
  readonly createdAt: number;
  readonly items: readonly FakeBatchItem[];
  /** Provider-specific fields kept for the wire format (endpoint, metadata, display name, file ids...). */
  readonly details: Record<string, unknown>;
  polls: number;
  cancelRequested: boolean;
  /** Set when the batch reached its end state (so timestamps stay stable). */
  endedAt: number | undefined;
  endState: Exclude<FakeBatchState, "in-progress"> | undefined;
}

/** A stored file (OpenAI uploads and outputs, Gemini uploads). */
export interface FakeFile {
  readonly id: string;
  readonly provider: FakeProviderName;
  readonly filename: string;
  readonly purpose: string;
  readonly bytes: Buffer;
  readonly createdAt: number;
}

export class BatchBook {
  behavior: BatchBehavior = {};
  readonly #batches = new Map<string, FakeBatch>();
  readonly #files = new Map<string, FakeFile>();
  #sequence = 0;

  /** A new id with the provider's prefix, unique in this server. */
  nextId(prefix: string): string {
    this.#sequence++;
    return `${prefix}${this.#sequence.toString(36).padStart(6, "0")}${Math.random().toString(36).slice(2, 10)}`;
  }

  create(
    provider: FakeProviderName,
    id: string,
    items: readonly FakeBatchItem[],
    details: Record<string, unknown>,
  ): FakeBatch {
    const batch: FakeBatch = {
      id,
      provider,
      createdAt: Date.now(),
      items,
      details,
      polls: 0,
      cancelRequested: false,
      endedAt: undefined,
      endState: undefined,
    };
    this.#batches.set(`${provider}:${id}`, batch);
    return batch;
  }

  get(provider: FakeProviderName, id: string): FakeBatch | undefined {
    return this.#batches.get(`${provider}:${id}`);
  }

  /** Forgets a batch (the providers' delete endpoints); false when there was none. */
  delete(provider: FakeProviderName, id: string): boolean {
    return this.#batches.delete(`${provider}:${id}`);
  }

  /** Batches of a provider, newest first (the order the list endpoints use). */
  list(provider: FakeProviderName): FakeBatch[] {
    return [...this.#batches.values()].filter((batch) => batch.provider === provider).reverse();
  }

  /** A status request: counts as a poll, then reports the state. */
  poll(batch: FakeBatch): FakeBatchState {
    batch.polls++;
    return this.state(batch);
  }

  /** The state without counting a poll. */
  state(batch: FakeBatch): FakeBatchState {
    if (batch.endState) return batch.endState;
    const behavior = this.behavior;
    const pollsDone = batch.polls > (behavior.completeAfterPolls ?? 0);
    const timeDone = Date.now() - batch.createdAt >= (behavior.completeAfterMs ?? 0);
    if (batch.cancelRequested) return this.#end(batch, "cancelled");
    if (!pollsDone || !timeDone) return "in-progress";
    return this.#end(batch, behavior.outcome ?? "completed");
  }

  requestCancel(batch: FakeBatch): void {
    if (!batch.endState) batch.cancelRequested = true;
  }

  /** Items that were processed (answered or failed) by the end state; the rest expired or were cancelled. */
  processed(batch: FakeBatch): { readonly item: FakeBatchItem; readonly processed: boolean }[] {
    const state = this.state(batch);
    if (state === "in-progress" || state === "failed") return batch.items.map((item) => ({ item, processed: false }));
    const finished =
      state === "completed"
        ? batch.items.length
        : (this.behavior.finishedBeforeEnd ?? Math.floor(batch.items.length / 2));
    return batch.items.map((item, index) => ({ item, processed: index < finished }));
  }

  /** The failure `failRequest` chooses for a request, if any. */
  failureFor(
    context: ReplyContext,
    customId: string,
  ): { readonly status: number; readonly message?: string } | undefined {
    const failure = this.behavior.failRequest?.({ ...context, customId });
    return typeof failure === "number" ? { status: failure } : failure;
  }

  saveFile(file: FakeFile): void {
    this.#files.set(`${file.provider}:${file.id}`, file);
  }

  file(provider: FakeProviderName, id: string): FakeFile | undefined {
    return this.#files.get(`${provider}:${id}`);
  }

  #end(batch: FakeBatch, state: Exclude<FakeBatchState, "in-progress">): FakeBatchState {
    batch.endState = state;
    batch.endedAt = Date.now();
    return state;
  }
}
