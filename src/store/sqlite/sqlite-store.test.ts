import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { tempWorkspace } from "../../../test/helpers.js";
import { testStore } from "../../testing/test-store.js";
import { createSqliteStore } from "./sqlite-store.js";

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
