/**
 * Replay reads of the PostgreSQL store in bulk: the point lookups of one turn
 * of the event loop in one statement (the keys as arrays, `unnest`ed and joined
 * to the answers), and the answers of several agents in another. Each result is
 * decoded on first access (most replays only want the text).
 */
import type { LLMResult } from "../../core/llm.js";
import { TickBatch } from "../../core/tick-batch.js";
import { decodeResult } from "../sql/sql-answers.js";
import type { AgentAnswers, CallKey, StoredAnswer } from "../store.js";
import { keyArrays, type PostgresConnection, unnestKeys } from "./postgres-connection.js";

/** Keys in one statement at most (a batch run's forEach asks for all its items in one turn). */
const maxKeys = 5000;

const answerColumns = "c.id, r.session, r.text, r.result, r.input_tokens, r.output_tokens, r.via_batch, r.vector";

/**
 * A call's response, read through the primary key once per call. Both reads are
 * lateral subqueries that the planner cannot flatten (`OFFSET 0`), so each lookup
 * costs index probes for the rows it returns, whatever the statistics say: right
 * after a run stored 100,000 answers, before autovacuum analyzed them, a join left
 * to the planner scanned both tables whole (in parallel) for every statement.
 */
const responseById =
  "SELECT session, text, result, input_tokens, output_tokens, via_batch, vector FROM responses WHERE id = c.response_id OFFSET 0";

export class PostgresBulkAnswers {
  readonly #lookups: TickBatch<CallKey, StoredAnswer | undefined>;
  readonly #agents: TickBatch<string, AgentAnswers>;

  constructor(connection: PostgresConnection) {
    this.#lookups = new TickBatch((keys) => _lookupAll(connection, keys), maxKeys);
    this.#agents = new TickBatch((agents) => _agentAnswersOf(connection, agents), maxKeys);
  }

  lookup(key: CallKey): Promise<StoredAnswer | undefined> {
    return this.#lookups.get(key);
  }

  agentAnswers(agent: string): Promise<AgentAnswers> {
    return this.#agents.get(agent);
  }
}

// --- internal ---

/** What the statements select of an answer, in this order (`answerColumns`). */
type AnswerColumns = [number, number, string, string, number | null, number | null, number, Uint8Array | null];

async function _lookupAll(
  connection: PostgresConnection,
  keys: readonly CallKey[],
): Promise<(StoredAnswer | undefined)[]> {
  const rows = (await connection.all(
    `SELECT k.i, ${answerColumns}
     FROM ${unnestKeys} WITH ORDINALITY AS k (agent, hash, occurrence, i)
     CROSS JOIN LATERAL (SELECT id, response_id FROM calls
       WHERE agent = k.agent AND hash = k.hash AND occurrence = k.occurrence AND response_id IS NOT NULL OFFSET 0) c
     CROSS JOIN LATERAL (${responseById}) r`,
    keyArrays(keys),
  )) as [number, ...AnswerColumns][];
  const answers = new Array<StoredAnswer | undefined>(keys.length);
  for (const row of rows) answers[row[0] - 1] = new _StoredRow(row, 1);
  return answers;
}

async function _agentAnswersOf(connection: PostgresConnection, agents: readonly string[]): Promise<AgentAnswers[]> {
  const rows = (await connection.all(
    `SELECT c.agent, c.hash, c.occurrence, ${answerColumns}
     FROM unnest(?::text[]) AS a (agent)
     CROSS JOIN LATERAL (SELECT agent, hash, occurrence, id, response_id FROM calls
       WHERE agent = a.agent AND response_id IS NOT NULL OFFSET 0) c
     CROSS JOIN LATERAL (${responseById}) r`,
    [agents],
  )) as [string, string, number, ...AnswerColumns][];
  const byAgent = new Map<string, AgentAnswers>(agents.map((agent) => [agent, new Map()]));
  for (const row of rows) {
    const answers = byAgent.get(row[0])!;
    let byOccurrence = answers.get(row[1]);
    if (!byOccurrence) {
      byOccurrence = [];
      answers.set(row[1], byOccurrence);
    }
    byOccurrence[row[2]] = new _StoredRow(row, 3);
  }
  return agents.map((agent) => byAgent.get(agent)!);
}

/** A stored answer whose result (usage, tool calls...) is decoded on first access. */
class _StoredRow implements StoredAnswer {
  readonly callId: number;
  readonly session: number;
  readonly text: string;
  readonly inputTokens: number | undefined;
  readonly outputTokens: number;
  readonly viaBatch: boolean;
  #json: string | undefined;
  #vector: Uint8Array | null;
  #result: LLMResult | undefined;

  /** From the `AnswerColumns` of `row` that start at `at`. */
  constructor(row: readonly unknown[], at: number) {
    this.callId = row[at] as number;
    this.session = row[at + 1] as number;
    this.text = row[at + 2] as string;
    this.#json = row[at + 3] as string;
    this.inputTokens = (row[at + 4] as number | null) ?? undefined;
    this.outputTokens = (row[at + 5] as number | null) ?? 0;
    this.viaBatch = row[at + 6] === 1;
    this.#vector = row[at + 7] as Uint8Array | null;
  }

  get result(): LLMResult {
    if (this.#result === undefined) {
      this.#result = decodeResult(this.#json!, this.text, this.#vector);
      this.#json = undefined;
      this.#vector = null;
    }
    return this.#result;
  }
}
