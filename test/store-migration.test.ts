/**
 * A store written by an earlier version opens with its answers and batch calls
 * intact: migration 5 moves canonical requests from their hash-keyed table into
 * the rows of their calls; migration 6 adds the batches' rejected reconcile matches;
 * migration 7 marks failures inside batches (earlier ones were not); migration 8
 * indexes answers by session; migration 9 adds when the user asked to retry a failure;
 * migration 11 tallies ended sessions' tokens by model; migration 13 counts the answers
 * without token counts in those tallies.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect, it } from "vitest";
import { Parallellm } from "../src/index.js";
import { sqliteMigrations } from "../src/store/sqlite/sqlite-migrations.js";
import { MockProvider } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

it("a schema-4 store opens: canonical requests move beside their calls, answers still replay", async () => {
  const directory = tempWorkspace();
  mkdirSync(directory, { recursive: true });
  const mock = new MockProvider();
  const options = { llm: "mock-1", providers: { mock }, summary: false } as const;
  const first = await Parallellm.open(directory, options);
  const answer = await first.agent("a", (agent) => agent.ask("What is 2 + 2?").text());
  await first.close();

  // Rebuild the file as schema 4 wrote it: the canonical request in `requests`, none on the call,
  // no rejected matches on batches, failures not marked by where they happened nor retried, answers not indexed by session,
  // no raw responses, no vectors.
  const db = new Database(join(directory, "store.sqlite"));
  const { hash, canonical } = db.prepare("SELECT hash, canonical FROM calls").get() as {
    hash: string;
    canonical: string;
  };
  db.exec(`
    CREATE TABLE requests (hash TEXT PRIMARY KEY, canonical TEXT NOT NULL) WITHOUT ROWID;
    ALTER TABLE calls DROP COLUMN canonical;
    ALTER TABLE batch_calls DROP COLUMN canonical;
    ALTER TABLE batches DROP COLUMN rejected_ids;
    ALTER TABLE failures DROP COLUMN via_batch;
    ALTER TABLE failures DROP COLUMN retried_at;
    DROP INDEX responses_by_session;
    ALTER TABLE responses DROP COLUMN raw;
    ALTER TABLE responses DROP COLUMN vector;
    DROP TABLE session_usage;
    DROP INDEX calls_answered_by_model;
    DROP INDEX calls_unanswered;
    INSERT INTO failures (agent, hash, occurrence, seq, session, provider, model, attempt, kind, message, created_at)
      VALUES ('a', 'h', 0, 0, 1, 'mock', 'mock-1', 1, 'server', 'busy', 0);
    INSERT INTO batches (id, tag, provider, model, state, session, request_count, bytes, created_at, updated_at)
      VALUES (7, 't', 'mock', 'mock-1', 'ingested', 1, 1, 10, 0, 0);
    INSERT INTO batch_calls (batch_id, custom_id, agent, hash, occurrence, seq) VALUES (7, 'c0', 'a', '${hash}', 0, 0);
  `);
  db.prepare("INSERT INTO requests VALUES (?, ?)").run(hash, canonical);
  db.pragma("user_version = 4");
  db.close();

  const second = await Parallellm.open(directory, options);
  expect(await second.agent("a", (agent) => agent.ask("What is 2 + 2?").text())).toBe(answer);
  const summary = await second.close();
  expect(summary).toMatchObject({ replayed: 1, sent: 0 });

  const migrated = new Database(join(directory, "store.sqlite"), { readonly: true });
  expect(migrated.pragma("user_version", { simple: true })).toBe(sqliteMigrations.length);
  expect(migrated.prepare("SELECT canonical FROM calls").pluck().all()).toEqual([canonical]);
  expect(migrated.prepare("SELECT canonical FROM batch_calls").pluck().all()).toEqual([canonical]);
  expect(migrated.prepare("SELECT name FROM sqlite_master WHERE name = 'requests'").get()).toBeUndefined();
  expect(migrated.prepare("SELECT rejected_ids FROM batches").pluck().all()).toEqual([null]);
  expect(migrated.prepare("SELECT via_batch FROM failures").pluck().all()).toEqual([0]);
  expect(migrated.prepare("SELECT retried_at FROM failures").pluck().all()).toEqual([null]);
  expect(migrated.prepare("SELECT name FROM sqlite_master WHERE name = 'responses_by_session'").pluck().get()).toBe(
    "responses_by_session",
  );
  // Migration 11 tallied the session that had ended; the second ended with no answers.
  expect(migrated.prepare("SELECT session, model, via_batch, answers FROM session_usage").raw().all()).toEqual([
    [1, "mock-1", 0, 1],
  ]);
  migrated.close();
});

it("a schema-12 store opens: migration 13 recounts the answers of ended sessions that came without token counts", async () => {
  const directory = tempWorkspace();
  // One answer without an input token count (as Gemini's direct embeddings come), one with.
  const mock = new MockProvider({
    script: [
      { match: "uncounted", reply: { text: "a", usage: { inputTokens: undefined, outputTokens: undefined } } },
      { reply: "b" },
    ],
  });
  const options = { llm: "mock-1", providers: { mock }, summary: false } as const;
  const first = await Parallellm.open(directory, options);
  await first.agent("a", (agent) => Promise.all([agent.ask("uncounted").text(), agent.ask("counted").text()]));
  await first.close();

  // As schema 12 wrote it: the ended session's tally without the column.
  const db = new Database(join(directory, "store.sqlite"));
  db.exec("ALTER TABLE session_usage DROP COLUMN uncounted");
  db.pragma("user_version = 12");
  db.close();

  await (await Parallellm.open(directory, options)).close();
  await using reader = await Parallellm.inspect(directory);
  const migrated = new Database(join(directory, "store.sqlite"), { readonly: true });
  expect(migrated.pragma("user_version", { simple: true })).toBe(sqliteMigrations.length);
  expect(migrated.prepare("SELECT session, answers, uncounted FROM session_usage").raw().all()).toEqual([[1, 2, 1]]);
  migrated.close();
  const { spent } = await reader.overview();
  expect(spent.allTime).toMatchObject({ answers: 2, uncounted: 1, cost: undefined });
});
