import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempWorkspace } from "../../../test/helpers.js";
import { answer, callKey } from "../../testing/store-contract/store-fixtures.js";
import { testStore } from "../../testing/test-store.js";
import { createSqliteStore, SqliteStore } from "./sqlite-store.js";

describe("the SQLite store passes the Store contract", () => {
  testStore(
    () => {
      const workspace = tempWorkspace();
      mkdirSync(workspace, { recursive: true });
      return createSqliteStore(join(workspace, "store.sqlite"));
    },
    { describe, it },
  );
});

it("two stores writing one file: each session's usage and answered count are its own answers", async () => {
  const workspace = tempWorkspace();
  mkdirSync(workspace, { recursive: true });
  const path = join(workspace, "store.sqlite");
  // Without the workspace lock, as two workers sharing one database would be.
  const [first, second] = [new SqliteStore(path), new SqliteStore(path)];
  try {
    const one = await first.beginSession({ strategy: "sync", pid: 1, startedAt: 1 });
    const two = await second.beginSession({ strategy: "sync", pid: 2, startedAt: 2 });
    await second.saveResponse(answer(callKey("b"), { session: two }));
    await first.saveResponse(answer(callKey("a"), { session: one }));
    await second.saveResponse(answer(callKey("c"), { session: two }));
    await first.saveResponse(answer(callKey("d"), { session: one }));
    for (const store of [first, second]) {
      expect((await store.usage(one)).map((row) => [row.session, row.answers])).toEqual([[one, 2]]);
      expect((await store.usage(two)).map((row) => [row.session, row.answers])).toEqual([[two, 2]]);
      expect(await store.answeredCount(one)).toEqual({ total: 4, earlier: 0 });
      expect(await store.answeredCount(two)).toEqual({ total: 4, earlier: 2 });
    }
  } finally {
    await Promise.all([first.close(), second.close()]);
  }
});
