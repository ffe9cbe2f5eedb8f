/**
 * The synchronous replay reads of the SQLite store: prepared once, rows as
 * arrays, and each answer's result decoded only when something beyond its text
 * is needed (most replays only want the text).
 */
import type Database from "better-sqlite3";
import type { LLMResult } from "../../core/llm.js";
import { decodeResult } from "../sql/sql-answers.js";
import type { AgentAnswers, CallKey, StoredAnswer } from "../store.js";

type Statement = Database.Statement<unknown[], unknown>;

export class SqliteReplay {
  readonly #lookup: Statement;
  readonly #agentAnswers: Statement;
  readonly #resultOf: Statement;

  constructor(db: Database.Database) {
    this.#lookup = db
      .prepare(
        `SELECT c.id, r.session, r.text, r.id, r.input_tokens, r.output_tokens, r.via_batch
         FROM calls c JOIN responses r ON r.id = c.response_id
         WHERE c.agent = ? AND c.hash = ? AND c.occurrence = ?`,
      )
      .raw(true);
    this.#agentAnswers = db
      .prepare(
        `SELECT c.hash, c.occurrence, c.id, r.session, r.text, r.id, r.input_tokens, r.output_tokens, r.via_batch
         FROM calls c JOIN responses r ON r.id = c.response_id WHERE c.agent = ?`,
      )
      .raw(true);
    this.#resultOf = db.prepare("SELECT result, vector FROM responses WHERE id = ?").raw(true);
  }

  lookup(key: CallKey): StoredAnswer | undefined {
    const row = this.#lookup.get(key.agent, key.hash, key.occurrence) as AnswerColumns | undefined;
    return row && new StoredRow(row, 0, this.#resultOf);
  }

  agentAnswers(agent: string): AgentAnswers {
    const answers: AgentAnswers = new Map();
    // all() beats iterate() for the few hundred rows an agent typically has.
    for (const row of this.#agentAnswers.all(agent) as [string, number, ...AnswerColumns][]) {
      let byOccurrence = answers.get(row[0]);
      if (!byOccurrence) {
        byOccurrence = [];
        answers.set(row[0], byOccurrence);
      }
      byOccurrence[row[1]] = new StoredRow(row, 2, this.#resultOf);
    }
    return answers;
  }
}

// --- internal ---

/** What the replay queries select of an answer, in this order: call id, session, text, response id, tokens, batch. */
type AnswerColumns = [number, number, string, number, number | null, number | null, number];

/** A stored answer whose result (usage, tool calls...) is read and decoded on first access. */
class StoredRow implements StoredAnswer {
  readonly callId: number;
  readonly session: number;
  readonly text: string;
  readonly inputTokens: number | undefined;
  readonly outputTokens: number;
  readonly viaBatch: boolean;
  readonly #responseId: number;
  readonly #resultOf: Statement;
  #result: LLMResult | undefined;

  /** From the `AnswerColumns` of `row` that start at `at`. */
  constructor(row: readonly unknown[], at: number, resultOf: Statement) {
    this.callId = row[at] as number;
    this.session = row[at + 1] as number;
    this.text = row[at + 2] as string;
    this.#responseId = row[at + 3] as number;
    this.inputTokens = (row[at + 4] as number | null) ?? undefined;
    this.outputTokens = (row[at + 5] as number | null) ?? 0;
    this.viaBatch = row[at + 6] === 1;
    this.#resultOf = resultOf;
  }

  get result(): LLMResult {
    if (this.#result === undefined) {
      const [json, vector] = this.#resultOf.get(this.#responseId) as [string, Uint8Array | null];
      this.#result = decodeResult(json, this.text, vector);
    }
    return this.#result;
  }
}
