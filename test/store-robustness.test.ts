/**
 * A workspace whose store cannot be used says so clearly and is left as it
 * was: a file that is not a parallellm store, a store from a newer schema, a
 * read-only workspace, a full disk.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Parallellm, StoreError } from "../src/index.js";
import { SqliteStore } from "../src/store/sqlite/sqlite-store.js";
import { MockProvider } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";
import { requireOrSkip } from "./requirements.js";

const open = (directory: string, mock = new MockProvider()) =>
  Parallellm.open(directory, { llm: "mock-1", providers: { mock }, summary: false });

/** Every file of the workspace with its bytes, to prove nothing was touched. */
function snapshot(directory: string): Map<string, string> {
  return new Map(readdirSync(directory).map((name) => [name, readFileSync(join(directory, name)).toString("base64")]));
}

function integrity(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma("integrity_check", { simple: true }) as string;
  } finally {
    db.close();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("files that are not a usable parallellm store", () => {
  const cases: { name: string; write: (path: string) => void; message: RegExp }[] = [
    {
      name: "a text file",
      write: (path) => writeFileSync(path, "hello\n".repeat(1000)),
      message: /not a parallellm store/,
    },
    {
      name: "random bytes behind a SQLite header",
      write: (path) => writeFileSync(path, Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(8192, 0xab)])),
      message: /not a (usable )?parallellm store/,
    },
    {
      name: "another application's SQLite database",
      write: (path) => {
        const db = new Database(path);
        db.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5)");
        db.close();
      },
      message: /SQLite database but not a parallellm store; it was left untouched/,
    },
  ];
  for (const { name, write, message } of cases) {
    it(`${name}: a StoreError, every file untouched, no lock left behind`, async () => {
      const directory = tempWorkspace();
      mkdirSync(directory, { recursive: true });
      write(join(directory, "store.sqlite"));
      const before = snapshot(directory);
      const error = await open(directory).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toMatch(message);
      expect(snapshot(directory)).toEqual(before);
    });
  }

  it("a store from a newer schema: refused with the versions, every byte untouched, answers still there", async () => {
    const directory = tempWorkspace();
    const pllm = await open(directory);
    await pllm.agent("a", (agent) => agent.ask("Keep me.").text());
    await pllm.close();
    const path = join(directory, "store.sqlite");
    const db = new Database(path);
    db.pragma("user_version = 99");
    db.close();
    const before = snapshot(directory);
    await expect(open(directory)).rejects.toThrow(
      /written by a newer parallellm \(schema 99; this version knows \d+\)\. Upgrade parallellm/,
    );
    expect(snapshot(directory)).toEqual(before);
    const reader = new Database(path, { readonly: true });
    expect(reader.prepare("SELECT text FROM responses").pluck().all()).toEqual([
      expect.stringContaining('Mock answer to "Keep me."'),
    ]);
    reader.close();
  });
});

describe("read-only workspace", () => {
  // Root ignores file modes, so as root the run happens in a child process as `nobody`.
  const asRoot = process.getuid?.() === 0;
  const child = new URL("./fixtures/read-only-child.ts", import.meta.url).pathname;

  /** The child's report; `undefined` when this root cannot switch to `nobody` (no CAP_SETUID). */
  function runChild(directory: string): string | undefined {
    const result = spawnSync(process.execPath, ["--import", "tsx", child, directory], {
      cwd: new URL("..", import.meta.url).pathname,
      encoding: "utf8",
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    if ((result.error as NodeJS.ErrnoException | undefined)?.code === "EPERM") return undefined;
    if (result.status !== 0) throw new Error(`child failed (${result.status}): ${result.stderr}`);
    return result.stdout.trim();
  }

  async function storeWithOneAnswer(): Promise<string> {
    const directory = tempWorkspace();
    const pllm = await open(directory);
    await pllm.agent("a", (agent) => agent.ask("Keep me.").text());
    await pllm.close();
    // The temporary root is private to its creator; `nobody` must be able to reach the workspace.
    chmodSync(dirname(directory), 0o755);
    return directory;
  }

  it("a directory that cannot be written: a StoreError saying the workspace is read-only; nothing changes", async (context) => {
    const directory = await storeWithOneAnswer();
    chmodSync(join(directory, "store.sqlite"), 0o444);
    chmodSync(directory, 0o555);
    const before = snapshot(directory);
    const report = runChild(directory);
    requireOrSkip(context, report !== undefined, "running as root without the right to switch to nobody");
    expect(report).toMatch(/^StoreError .*lock file .*\(EACCES\): the workspace is read-only/);
    expect(snapshot(directory)).toEqual(before);
    chmodSync(directory, 0o755);
  });

  it("a store file that cannot be written: a StoreError saying so; the store is unchanged and still opens", async (context) => {
    const directory = await storeWithOneAnswer();
    const path = join(directory, "store.sqlite");
    chmodSync(path, 0o444);
    chmodSync(directory, 0o777);
    const before = readFileSync(path);
    const report = runChild(directory);
    requireOrSkip(context, report !== undefined, "running as root without the right to switch to nobody");
    expect(report).toMatch(/^StoreError The store at .* is read-only or cannot be opened for writing/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(`${path}.lock`)).toBe(false);
    chmodSync(path, 0o644);
    chmodSync(directory, 0o755);
    expect(integrity(path)).toBe("ok");
    const mock = new MockProvider();
    const pllm = await open(directory, mock);
    await pllm.agent("a", (agent) => agent.ask("Keep me.").text());
    expect((await pllm.close()).replayed).toBe(1);
    expect(mock.requestCount).toBe(0);
  });
});

describe("full disk", () => {
  it("answers that cannot be committed fail with a StoreError; everything committed before is kept", async () => {
    // Simulated: once "full", the store's connection may not grow the file by a single page.
    const connections: Database.Database[] = [];
    const pragma = Database.prototype.pragma;
    vi.spyOn(Database.prototype, "pragma").mockImplementation(function (
      this: Database.Database,
      ...args: Parameters<typeof pragma>
    ) {
      if (!connections.includes(this)) connections.push(this);
      return pragma.apply(this, args);
    });
    const fillDisk = () => {
      for (const db of connections.filter((connection) => connection.open)) {
        db.pragma(`max_page_count = ${db.pragma("page_count", { simple: true })}`);
      }
    };
    const directory = tempWorkspace();
    const path = join(directory, "store.sqlite");
    const mock = new MockProvider();
    const pllm = await open(directory, mock);
    const items = Array.from({ length: 40 }, (_, index) => index);
    const ask = (run: Parallellm, index: number) =>
      run.agent(`item-${index}`, (agent) => agent.ask(`Describe item ${index}. ${"Details. ".repeat(300)}`).text());
    for (const index of items.slice(0, 20)) await ask(pllm, index);
    fillDisk();
    const outcomes = await Promise.allSettled(items.slice(20).map((index) => ask(pllm, index)));
    const errors = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : []));
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toMatch(
        /disk holding .* is full; free space and rerun — nothing committed was lost/,
      );
    }
    await pllm.close();
    vi.restoreAllMocks();

    expect(integrity(path)).toBe("ok");
    const db = new Database(path, { readonly: true });
    const stored = db.prepare("SELECT agent FROM calls WHERE response_id IS NOT NULL").pluck().all() as string[];
    const orphans = db
      .prepare("SELECT count(*) FROM responses r LEFT JOIN calls c ON c.id = r.call_id WHERE c.id IS NULL")
      .pluck()
      .get();
    db.close();
    expect(orphans).toBe(0);
    for (const index of items.slice(0, 20)) expect(stored).toContain(`item-${index}`);
    expect(stored.length).toBe(20 + outcomes.filter((outcome) => outcome.status === "fulfilled").length);

    // Space freed: the rerun replays everything committed and sends only the rest.
    const rerunMock = new MockProvider();
    const rerun = await open(directory, rerunMock);
    const texts = await Promise.all(items.map((index) => ask(rerun, index)));
    expect(texts.every((text) => typeof text === "string")).toBe(true);
    expect((await rerun.close()).replayed).toBe(stored.length);
    expect(rerunMock.requestCount).toBe(40 - stored.length);
  });

  it("a close that cannot write the session summary fails clearly and still releases the workspace", async () => {
    const directory = tempWorkspace();
    const pllm = await open(directory);
    await pllm.agent("a", (agent) => agent.ask("Keep me.").text());
    const full = new StoreError(
      "The disk holding the store is full; free space and rerun — nothing committed was lost.",
    );
    vi.spyOn(SqliteStore.prototype, "endSession").mockRejectedValueOnce(full);
    await expect(pllm.close()).rejects.toBe(full);
    expect(existsSync(join(directory, "store.sqlite.lock"))).toBe(false);
    const again = await open(directory);
    await again.agent("a", (agent) => agent.ask("Keep me.").text());
    expect((await again.close()).replayed).toBe(1);
  });
});
