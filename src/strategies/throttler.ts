/**
 * Holds each request until its provider's and its model's limits (and the
 * global cap) all let it go, then counts it in all their windows at once, until
 * a window after its answer (see `RollingWindow`).
 *
 * Why not p-queue's `intervalCap`/`interval` per key, or bottleneck: a request
 * is under two limits at once (its provider's and its model's). Chaining one
 * queue per key counts the request in the first queue's window when it enters
 * the second, not when it is sent, so requests held back by the model's limit
 * later leave together with new ones and overrun the provider's window (and
 * chaining the other way round overruns the model's). Neither library counts
 * tokens in a rolling window either: p-queue counts tasks, and bottleneck's
 * reservoir refills at fixed times (and it has had no release since 2019). So
 * the windows and their joint check are here; the queue still orders the calls
 * and drains them (`QueueStrategy`).
 */
import type { Usage } from "../core/llm.js";
import type { WindowTake } from "../store/store.js";
import { estimateRequestTokens } from "./estimate-request-tokens.js";
import { arrivalMs, type Counted, LimitGate } from "./limit-gate.js";
import { type LimitRule, parseRateLimits, type RateLimits, type WindowRule } from "./rate-limits.js";
import type { CallTask } from "./strategy.js";

/** Takes from windows that other workers take from too; see `Store.takeFromWindows`. */
export type SharedWindows = (takes: readonly WindowTake[]) => Promise<number>;

export interface ThrottlerOptions {
  /** Requests in flight at once across all providers. @default unlimited */
  readonly concurrency?: number;
  /**
   * Rate windows shared with the other workers of the store: a request that this
   * process's windows let go also waits until it fits theirs, so all together stay
   * under each limit. Takes count from when they are sent (not settled by the answer).
   */
  readonly sharedWindows?: SharedWindows | undefined;
}

/**
 * Throttles the attempts of calls by the `limits` of their provider and model.
 * Calls under the same limit go in the order they came; a call waiting for one
 * provider never holds back another provider's calls.
 */
export class Throttler {
  readonly #rules: Map<string, LimitRule>;
  readonly #global: LimitGate | undefined;
  readonly #gates = new Map<string, LimitGate>();
  /** By `provider/model`: the gates its calls pass and the calls waiting there. */
  readonly #lanes = new Map<string, Lane>();
  #arrivals = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped: Error | undefined;
  readonly #sharedWindows: SharedWindows | undefined;
  /** Wake the requests waiting for a shared window (at `stop`). */
  readonly #sharedWaits = new Set<() => void>();

  constructor(limits: RateLimits, options: ThrottlerOptions = {}) {
    this.#rules = parseRateLimits(limits);
    this.#sharedWindows = options.sharedWindows;
    const concurrency = options.concurrency ?? Number.POSITIVE_INFINITY;
    this.#global = Number.isFinite(concurrency) ? new LimitGate({ concurrency, windows: [] }) : undefined;
  }

  /** The task with every attempt (retries too) waiting for its limits and counted in them. */
  throttle(task: CallTask): CallTask {
    const lane = this.#laneOf(task.provider, task.model);
    if (lane.gates.length === 0) return task;
    const tokens = lane.countsTokens ? estimateRequestTokens(task.request) : 0;
    return {
      provider: task.provider,
      model: task.model,
      request: task.request,
      attemptFailed: (error, attempt, retryInMs) => task.attemptFailed(error, attempt, retryInMs),
      waitsForLimit: (waitMs) => task.waitsForLimit(waitMs),
      send: async () => {
        const permit = await this.#acquire(lane, tokens, task);
        let reported: number | undefined;
        try {
          if (lane.shared.length > 0) await this.#takeShared(lane, tokens, task);
          const result = await task.send();
          reported = _reportedTokens(result.usage);
          return result;
        } finally {
          this.#release(permit, reported);
        }
      },
    };
  }

  /** Calls waiting for a limit reject with `reason`, and so do later ones. */
  stop(reason: Error): void {
    this.#stopped ??= reason;
    for (const lane of this.#lanes.values()) {
      for (const waiter of lane.waiting.splice(0)) waiter.reject(reason);
    }
    for (const wake of this.#sharedWaits) wake();
    clearTimeout(this.#timer);
  }

  /** Waits until the request fits every shared window of its lane, and takes from them. */
  async #takeShared(lane: Lane, tokens: number, task: CallTask): Promise<void> {
    const takes = lane.shared.map(({ key, limit, spanMs, unit }) => ({
      key,
      limit,
      spanMs,
      weight: unit === "tokens" ? tokens : 1,
    }));
    let told = false;
    for (;;) {
      if (this.#stopped) throw this.#stopped;
      const waitMs = await this.#sharedWindows!(takes);
      if (waitMs <= 0) return;
      if (!told) {
        told = true;
        task.waitsForLimit(Math.ceil(waitMs));
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#sharedWaits.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.ceil(waitMs));
        this.#sharedWaits.add(wake);
      });
    }
  }

  #laneOf(provider: string, model: string): Lane {
    const key = `${provider}/${model}`;
    let lane = this.#lanes.get(key);
    if (!lane) {
      const gates = [this.#global, this.#gateOf(provider), this.#gateOf(key)].filter((gate) => gate !== undefined);
      const shared = this.#sharedWindows ? [provider, key].flatMap((rule) => this.#sharedOf(rule)) : [];
      lane = { gates, shared, countsTokens: gates.some((gate) => gate.countsTokens), waiting: [], waitTold: false };
      this.#lanes.set(key, lane);
    }
    return lane;
  }

  /** The windows of the limit `key` as every worker names them: the limit, its unit and its span. */
  #sharedOf(key: string): SharedWindow[] {
    return (this.#rules.get(key)?.windows ?? []).map(({ unit, limit, perMs }) => ({
      key: `${key} ${unit} per ${perMs} ms`,
      unit,
      limit,
      // As long as this process's windows hold a request still in flight (see RollingWindow).
      spanMs: perMs + arrivalMs,
    }));
  }

  #gateOf(key: string): LimitGate | undefined {
    const rule = this.#rules.get(key);
    if (!rule) return undefined;
    let gate = this.#gates.get(key);
    if (!gate) {
      gate = new LimitGate(rule);
      this.#gates.set(key, gate);
    }
    return gate;
  }

  #acquire(lane: Lane, tokens: number, task: CallTask): Promise<Permit> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    return new Promise((resolve, reject) => {
      lane.waiting.push({ arrival: this.#arrivals++, tokens, task, resolve, reject });
      this.#pump();
    });
  }

  #release(permit: Permit, reportedTokens: number | undefined): void {
    const now = performance.now();
    for (const gate of permit.lane.gates) gate.inFlight--;
    for (const { window, entry, unit } of permit.entries) {
      window.settle(entry, now, unit === "tokens" ? reportedTokens : undefined);
    }
    this.#pump();
  }

  /**
   * Lets waiting calls go, oldest first. A call that must wait blocks the gates
   * it waits for, so later calls never overtake it there; calls of a lane have
   * the same gates, so only each lane's first waiting call needs looking at.
   */
  #pump(): void {
    const now = performance.now();
    const blocked = new Set<LimitGate>();
    const lanes = new Set([...this.#lanes.values()].filter((lane) => lane.waiting.length > 0));
    let wakeAt = Number.POSITIVE_INFINITY;
    while (lanes.size > 0) {
      let lane: Lane | undefined;
      for (const candidate of lanes) {
        if (!lane || candidate.waiting[0].arrival < lane.waiting[0].arrival) lane = candidate;
      }
      if (!lane) break;
      const waiter = lane.waiting[0];
      let free = true;
      let windowWait = 0;
      for (const gate of lane.gates) {
        if (blocked.has(gate)) {
          free = false;
          continue;
        }
        const wait = gate.waitMs(waiter.tokens, now);
        if (wait > 0) {
          free = false;
          blocked.add(gate);
          wakeAt = Math.min(wakeAt, now + wait);
          if (Number.isFinite(wait)) windowWait = Math.max(windowWait, wait);
        }
      }
      if (!free) {
        // Told once per stretch of waiting (until the lane's queue empties), and only for a
        // rate window: waiting for a free slot under a concurrency cap is the ordinary case.
        if (windowWait > 0 && !lane.waitTold) {
          lane.waitTold = true;
          waiter.task.waitsForLimit(Math.ceil(windowWait));
        }
        lanes.delete(lane);
        continue;
      }
      lane.waiting.shift();
      if (lane.waiting.length === 0) {
        lanes.delete(lane);
        lane.waitTold = false;
      }
      const entries = lane.gates.flatMap((gate) => gate.enter(waiter.tokens, now));
      waiter.resolve({ lane, entries });
    }
    clearTimeout(this.#timer);
    // A millisecond late rather than early: timers round, and an early wake-up lets nothing go.
    if (Number.isFinite(wakeAt)) this.#timer = setTimeout(() => this.#pump(), Math.ceil(wakeAt - now) + 1);
  }
}

// --- internal ---

interface SharedWindow {
  readonly key: string;
  readonly unit: WindowRule["unit"];
  readonly limit: number;
  readonly spanMs: number;
}

interface Lane {
  readonly gates: readonly LimitGate[];
  /** Windows shared with the store's other workers (none without `sharedWindows`). */
  readonly shared: readonly SharedWindow[];
  readonly countsTokens: boolean;
  /** In arrival order. */
  readonly waiting: Waiter[];
  /** A wait for a rate window was told since the lane last had no call waiting. */
  waitTold: boolean;
}

interface Waiter {
  readonly arrival: number;
  readonly tokens: number;
  readonly task: CallTask;
  readonly resolve: (permit: Permit) => void;
  readonly reject: (reason: Error) => void;
}

interface Permit {
  readonly lane: Lane;
  /** This request's entries, settled when it ends (token entries with the reported usage). */
  readonly entries: readonly Counted[];
}

/** Input + output tokens the answer reports; `undefined` when it reports no input count. */
function _reportedTokens(usage: Usage): number | undefined {
  if (usage.inputTokens === undefined) return undefined;
  return usage.inputTokens + (usage.outputTokens ?? 0);
}
