/**
 * What a workspace spent and saved, from the tokens of stored answers and the
 * price table (`providers/model-prices.ts`). Unknown models show tokens and no
 * cost — never a made-up price — and so do answers that came without token
 * counts (`uncounted`): a missing count is not priced as 0.
 */
import { costOf, type ModelPrice, pricesTakenOn } from "../providers/model-prices.js";
import type { AnswerSpend, UsageRow } from "../store/store.js";
import { tokensCost } from "./progress.js";

export interface CostLine {
  /** A model name, or an agent name in `byAgent`. */
  readonly name: string;
  readonly answers: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Answers without token counts: with any, `cost` is unknown. */
  readonly uncounted: number;
  /** USD; `undefined` when some of these answers' models have no known price, or some are `uncounted`. */
  readonly cost: number | undefined;
}

export interface CostReport {
  /** Spent by this session (answers received or ingested in it). */
  readonly session: { readonly total: number | undefined; readonly byModel: readonly CostLine[] };
  /** Spent since the workspace was created. */
  readonly allTime: {
    readonly total: number | undefined;
    readonly byModel: readonly CostLine[];
    readonly byAgent: readonly CostLine[];
    /** By session: each line's `name` is the session's number. */
    readonly bySession: readonly CostLine[];
  };
  /** What the answers this session replayed cost when they were first made. */
  readonly savedByReplay: number | undefined;
  /** Answers replayed this session that came without token counts: with any, `savedByReplay` is unknown. */
  readonly replayedUncounted: number;
  /** The batch discount on answers that came through provider batches, this session and in all. */
  readonly savedByBatch: { readonly session: number | undefined; readonly allTime: number | undefined };
  readonly pricesTakenOn: string;
}

type Prices = Readonly<Record<string, ModelPrice>>;

/**
 * What a run's summary says of cost: this session's spending and savings, read
 * from this session's answers alone (a workspace with a million agents closes as
 * fast as a new one). The workspace's totals, by model and agent: `pllm.cost()`.
 */
export type SessionCost = Omit<CostReport, "allTime" | "savedByBatch"> & {
  readonly savedByBatch: { readonly session: number | undefined };
};

/** `sessionRows`: usage rows of this session only. */
export function sessionCost(
  sessionRows: readonly UsageRow[],
  replayed: readonly AnswerSpend[],
  prices: Prices = {},
): SessionCost {
  return {
    session: { total: totalOf(sessionRows, prices), byModel: linesBy(sessionRows, (row) => row.model, prices) },
    savedByReplay: sum(
      replayed.map((spend) =>
        costOf(
          spend.model,
          { input: spend.inputTokens, output: spend.outputTokens, uncounted: spend.uncounted },
          { batch: spend.viaBatch, overrides: prices },
        ),
      ),
    ),
    replayedUncounted: replayed.reduce((total, spend) => total + spend.uncounted, 0),
    savedByBatch: { session: batchDiscountOf(sessionRows, prices) },
    pricesTakenOn,
  };
}

export function costReport(
  rows: readonly UsageRow[],
  session: number,
  replayed: readonly AnswerSpend[],
  prices: Prices = {},
): CostReport {
  const thisSession = sessionCost(
    rows.filter((row) => row.session === session),
    replayed,
    prices,
  );
  return {
    ...thisSession,
    allTime: {
      total: totalOf(rows, prices),
      byModel: linesBy(rows, (row) => row.model, prices),
      byAgent: linesBy(rows, (row) => row.agent ?? "", prices),
      bySession: linesBy(rows, (row) => String(row.session), prices).sort((a, b) => Number(a.name) - Number(b.name)),
    },
    savedByBatch: { session: thisSession.savedByBatch.session, allTime: batchDiscountOf(rows, prices) },
  };
}

/**
 * A workspace reader's report on a stored session (`about`; the latest, or none): what its
 * replay saved is known to its run alone, so it is read from the summary the run wrote as it ended.
 */
export function storedCostReport(
  rows: readonly UsageRow[],
  about: { readonly id: number; readonly summary: unknown } | undefined,
  prices: Prices,
): CostReport {
  const report = costReport(rows, about?.id ?? 0, [], prices);
  type Saved = Partial<Pick<SessionCost, "savedByReplay" | "replayedUncounted">>;
  const saved = (about?.summary as { cost?: Saved } | null | undefined)?.cost;
  return { ...report, savedByReplay: saved?.savedByReplay, replayedUncounted: saved?.replayedUncounted ?? 0 };
}

function totalOf(rows: readonly UsageRow[], prices: Prices): number | undefined {
  return sum(rows.map((row) => tokensCost(row, prices)));
}

function batchDiscountOf(rows: readonly UsageRow[], prices: Prices): number | undefined {
  // The discount equals what the batch answers cost: half of list price.
  return sum(rows.filter((row) => row.viaBatch).map((row) => tokensCost(row, prices)));
}

function linesBy(rows: readonly UsageRow[], keyOf: (row: UsageRow) => string, prices: Prices): CostLine[] {
  const groups = new Map<string, UsageRow[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return [...groups].map(([name, group]) => ({
    name,
    answers: group.reduce((total, row) => total + row.answers, 0),
    inputTokens: group.reduce((total, row) => total + row.inputTokens, 0),
    outputTokens: group.reduce((total, row) => total + row.outputTokens, 0),
    uncounted: group.reduce((total, row) => total + row.uncounted, 0),
    cost: totalOf(group, prices),
  }));
}

/** The sum, or `undefined` when any part is unknown (an unpriced model or an uncounted answer makes the total unknown). */
function sum(values: readonly (number | undefined)[]): number | undefined {
  let total = 0;
  for (const value of values) {
    if (value === undefined) return undefined;
    total += value;
  }
  return total;
}
