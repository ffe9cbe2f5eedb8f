/**
 * `pllm view`'s server and API, driven with plain HTTP over a workspace made by
 * real runs (the official SDKs against the fake provider server, a real SQLite
 * file): read-only (every method but GET and HEAD is 405, nothing written), the
 * security headers, another Host refused, paging and filters, a call whole with its
 * image and raw response, conversations, an agent's asks in order, live changes as
 * server-sent events, the command itself, and the same over PostgreSQL (`--pg`).
 */

import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CallPage, type CallRow, Parallellm } from "../src/index.js";
import { inspectPostgres, postgresStore } from "../src/postgres.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { startViewServer, type ViewServer } from "../src/view/view-server.js";
import { runPllm, tempWorkspace } from "./helpers.js";
import { fileDigests, judgeJokes, makeMixedWorkspace, pixel } from "./mixed-workspace.js";
import { describePg, pgUrl, tempSchema } from "./postgres.js";
import { openEvents } from "./view-events.js";

let fake: FakeProviderServer;
let directory: string;
let digests: Map<string, string>;
let reader: Awaited<ReturnType<typeof Parallellm.inspect>>;
let server: ViewServer;

beforeAll(async () => {
  fake = await startFakeProviderServer();
  directory = join(mkdtempSync(join(tmpdir(), "pllm-view-")), "ws");
  cpSync(await makeMixedWorkspace(fake), directory, { recursive: true });
  digests = fileDigests(directory);
  reader = await Parallellm.inspect(directory);
  server = await startViewServer({ reader, pollInterval: 50 });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await reader?.close();
  await fake?.close();
  const after = fileDigests(directory);
  rmSync(join(directory, ".."), { recursive: true, force: true });
  for (const [name, digest] of after) {
    if (digests.has(name)) expect([name, digest]).toEqual([name, digests.get(name)]);
    else expect(name).toMatch(/^store\.sqlite-(wal|shm)$/);
  }
});

const get = (path: string, init?: RequestInit) => fetch(new URL(path, server.url), init);
const json = async <T>(path: string): Promise<T> => {
  const response = await get(path);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
};

describe("the page", () => {
  it("serves the page for every client route, and its script and style, with a policy that forbids inline script", async () => {
    for (const path of ["/", "/calls?status=failed", "/call?id=1", "/conversation?agent=planner&name=trip"]) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(await response.text()).toContain('<script type="module" src="/assets/app.js"></script>');
    }
    const script = await get("/assets/app.js");
    expect([script.status, script.headers.get("content-type")]).toEqual([200, "text/javascript; charset=utf-8"]);
    expect((await script.text()).length).toBeGreaterThan(1000);
    expect((await get("/assets/app.css")).headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect((await get("/assets/nothing.js")).status).toBe(404);
  });

  it("answers only GET and HEAD: every other method is 405, and nothing is written", async () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
      for (const path of ["/", "/api/calls", "/api/call?id=1", "/api/nothing"]) {
        const response = await get(path, { method, body: method === "OPTIONS" ? undefined : "{}" });
        expect([method, path, response.status, response.headers.get("allow")]).toEqual([
          method,
          path,
          405,
          "GET, HEAD",
        ]);
        expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
      }
    }
    const head = await get("/api/overview", { method: "HEAD" });
    expect([head.status, await head.text()]).toEqual([200, ""]);
  });

  it("refuses a request that names another host (a page elsewhere reading it through DNS rebinding)", async () => {
    const statusFor = (host: string) =>
      new Promise<number | undefined>((resolve, reject) => {
        const url = new URL("/api/overview", server.url);
        request({ host: url.hostname, port: url.port, path: url.pathname, headers: { host } }, (response) => {
          response.resume();
          resolve(response.statusCode);
        })
          .once("error", reject)
          .end();
      });
    const port = new URL(server.url).port;
    expect(await statusFor(`evil.example:${port}`)).toBe(403);
    expect(await statusFor(`localhost:${port}`)).toBe(200);
    expect(await statusFor(`127.0.0.1:${port}`)).toBe(200);
  });
});

describe("the API", () => {
  it("gives the overview: calls by status, model and agent, tokens and cost by model, sessions, batches, failures", async () => {
    const { overview, batches, location } = await json<{
      location: string;
      overview: Awaited<ReturnType<typeof reader.overview>>;
      batches: { state: string; requests: number }[];
    }>("/api/overview");
    expect(location).toBe(join(directory, "store.sqlite"));
    expect(overview.calls).toEqual({ answered: 11, pending: 2, failed: 1, unanswered: 0 });
    expect(overview.sessionCount).toBe(6);
    expect(overview.spent.byModel.map((line) => line.name).sort()).toEqual([
      "claude-sonnet-4-6",
      "gemini-2.5-flash",
      "gpt-4.1-mini",
    ]);
    expect(overview.spent.byModel.reduce((sum, line) => sum + line.answers, 0)).toBe(11);
    expect(batches.map((batch) => [batch.state, batch.requests])).toEqual([["pending", 2]]);
    expect(overview.failures.map((failure) => [failure.agent, failure.message])).toEqual([
      ["judge-2", expect.stringContaining("No jokes today.")],
    ]);
  });

  it("pages the calls on the server: every call once, in order, whatever the page size", async () => {
    const seen: CallRow[] = [];
    let after: string | undefined;
    do {
      const page: CallPage = await json(`/api/calls?limit=4${after ? `&after=${after}` : ""}`);
      expect(page.calls.length).toBeLessThanOrEqual(4);
      seen.push(...page.calls);
      after = page.next;
    } while (after !== undefined);
    const whole: CallPage = await json("/api/calls?limit=100");
    expect(seen).toEqual(whole.calls);
    expect(seen).toHaveLength(14);
  });

  it("filters the calls by agent glob, provider, model, status, session and text; refuses a bad filter with 400", async () => {
    const agents = async (query: string) =>
      (await json<CallPage>(`/api/calls?${query}`)).calls.map((call) => `${call.agent}:${call.status}`);
    expect(await agents("agent=judge-*")).toEqual(["judge-1:answered", "judge-2:failed", "judge-3:answered"]);
    expect(await agents("status=failed")).toEqual(["judge-2:failed"]);
    expect(await agents("status=pending")).toEqual(["classify-a:pending", "classify-b:pending"]);
    expect(await agents("provider=google&model=gemini-2.5-flash")).toEqual(["summarise:answered"]);
    expect(await agents("session=3")).toEqual(["planner:answered", "planner:answered", "planner:answered"]);
    expect(await agents("search=weather%20IN%20OSLO")).toEqual(["extract:answered"]);
    for (const [query, message] of [
      ["status=done", "status takes one of answered, pending, failed, unanswered"],
      ["session=first", "session takes a whole number"],
      ["limit=0", "limit takes a whole number of at least 1"],
      ["after=nonsense", "calls({ after }) takes the `next` of a page"],
      ["agnet=judge-*", '/api/calls does not take "agnet"; it takes agent, provider, model, status, session, search'],
    ]) {
      const response = await get(`/api/calls?${query}`);
      expect([query, response.status]).toEqual([query, 400]);
      expect(((await response.json()) as { error: string }).error).toContain(message);
    }
  });

  it("gives a call whole: its image served from the stored bytes, its structured answer, its raw response on demand", async () => {
    const [row] = (await json<CallPage>("/api/calls?search=Who%20is%20in%20the%20picture")).calls;
    const key = `agent=${row!.agent}&hash=${row!.hash}&occurrence=${row!.occurrence}`;
    const call = await json<{
      request: { messages: { content: { type: string; image?: number; bytes?: number; data?: string }[] }[] };
      answer: { text: string };
      hasRaw: boolean;
      answers: { hasRaw: boolean; raw?: unknown }[];
      raw?: unknown;
    }>(`/api/call?${key}`);
    const image = call.request.messages[0]!.content.find((part) => part.type === "image")!;
    expect(image).toEqual({ type: "image", mediaType: "image/png", image: 0, bytes: pixel.length });
    expect(JSON.parse(call.answer.text)).toEqual({ name: "Ingrid", confidence: 0.9 });
    // Stored without raw responses (keepRaw is off by default); the live test below keeps one.
    expect([call.hasRaw, "raw" in call, call.answers.map((answer) => [answer.hasRaw, "raw" in answer])]).toEqual([
      false,
      false,
      [[false, false]],
    ]);
    expect(await json(`/api/call/raw?${key}`)).toBeNull();
    const picture = await get(`/api/call/image?${key}&index=0`);
    expect([picture.status, picture.headers.get("content-type")]).toEqual([200, "image/png"]);
    expect(Buffer.from(await picture.arrayBuffer())).toEqual(pixel);
    expect((await get(`/api/call/image?${key}&index=1`)).status).toBe(404);
    expect((await get(`/api/call/raw?${key}&answer=1`)).status).toBe(404);
    expect((await json<{ agent: string }>(`/api/call?id=${(await reader.call(row!))!.id}`)).agent).toBe("extract");
  });

  it("answers 404 for a call, conversation or API the workspace does not have, and 400 for one named wrongly", async () => {
    expect((await get("/api/call?id=9999")).status).toBe(404);
    expect((await get("/api/call?agent=nobody&hash=abc&occurrence=0")).status).toBe(404);
    expect((await get("/api/conversation?agent=planner&name=nothing")).status).toBe(404);
    expect((await get("/api/nothing")).status).toBe(404);
    const unnamed = await get("/api/call?agent=planner");
    expect([unnamed.status, ((await unnamed.json()) as { error: string }).error]).toEqual([
      400,
      "Name the call by id=<call id>, or by agent=, hash= and occurrence= together.",
    ]);
    expect((await get("/api/call?id=-1")).status).toBe(400);
    expect((await get("/api/overview?sessions=3")).status).toBe(400);
    expect((await get("/api/call?id=1&raw=1")).status).toBe(400);
  });

  it("gives a conversation's tree with its fork, each answer naming its call", async () => {
    const tree = await json<{
      nodes: { id: string; parentId?: string; call?: { agent: string } }[];
      heads: Record<string, string>;
    }>("/api/conversation?agent=planner&name=trip");
    const children = (id: string | undefined) => tree.nodes.filter((node) => node.parentId === id);
    const [root] = children(undefined);
    const [answer] = children(root!.id);
    expect(children(answer!.id)).toHaveLength(2);
    expect(Object.keys(tree.heads).sort()).toEqual(["cheap", "main", "rich"]);
    expect(tree.nodes.filter((node) => node.call !== undefined)).toHaveLength(3);
    const conversations = await json<{ conversation: string }[]>("/api/conversations");
    expect(conversations.map((row) => row.conversation)).toEqual(["trip"]);
  });

  it("gives an agent's asks in the order it asked them", async () => {
    const { asks, more } = await json<{ asks: CallRow[]; more: boolean }>("/api/agent?name=extract");
    expect(more).toBe(false);
    expect(asks.map((ask) => ask.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(asks[2]!.text).toBeDefined();
    expect((await get("/api/agent")).status).toBe(400);
  });
});

describe("live changes", () => {
  it("tells an open page when a pipeline writes into the workspace, polling one cheap signature", async () => {
    const events = await openEvents(new URL("/api/events", server.url));
    try {
      const first = await events.next();
      expect(first.event).toBe("change");
      expect(first.data).toBe(await reader.changes());
      const copy = join(directory, "..", "live");
      cpSync(directory, copy, { recursive: true });
      await using liveReader = await Parallellm.inspect(copy);
      await using liveServer = await startViewServer({ reader: liveReader, pollInterval: 50 });
      const live = await openEvents(new URL("/api/events", liveServer.url));
      const before = await live.next();
      const options = { clients: fake.clientsFor(), summary: false, llm: "gpt-4.1-mini", keepRaw: true } as const;
      await Parallellm.run(copy, options, (pllm) =>
        pllm.agent("late", (agent) => agent.ask("A late question.").text()),
      );
      const after = await live.next();
      expect(after.data).not.toBe(before.data);
      const [late] = (await liveReader.calls({ agent: "late" })).calls;
      // The raw response, kept this time, comes on demand: the call's detail only says it is there.
      const detail = await (await fetch(new URL(`/api/call?id=${late!.id}`, liveServer.url))).json();
      expect(detail).toMatchObject({ hasRaw: true, answers: [{ hasRaw: true }] });
      const raw = await (await fetch(new URL(`/api/call/raw?id=${late!.id}`, liveServer.url))).json();
      expect(raw).toEqual(expect.objectContaining({ id: expect.any(String), output: expect.any(Array) }));
      await live.cancel();
    } finally {
      await events.cancel();
    }
  });
});

describe("pllm view", () => {
  it("serves a workspace, prints its URL, warns when not on loopback, and exits 0 on Ctrl-C", async () => {
    let url: string | undefined;
    const environment = { ...process.env, NO_COLOR: "1" };
    const run = runPllm(
      ["view", directory, "--host", "0.0.0.0", "--port", "0"],
      environment,
      undefined,
      (stdout, pid) => {
        const found = /at (http:\/\/\S+) /.exec(stdout);
        if (found && url === undefined) {
          url = found[1];
          void fetch(new URL("/api/overview", url.replace("0.0.0.0", "127.0.0.1")))
            .then((response) => response.json())
            .then((body) => {
              expect((body as { overview: { sessionCount: number } }).overview.sessionCount).toBe(6);
              process.kill(pid, "SIGINT");
            });
        }
      },
    );
    const { code, stdout, stderr } = await run;
    expect(stdout).toMatch(/^Viewing .*store\.sqlite at http:\/\/0\.0\.0\.0:\d+\/ \(read-only; Ctrl-C stops\)\n$/);
    expect(stderr).toBe(
      "Warning: listening on 0.0.0.0: anyone who can reach it can read this workspace's prompts and answers (there is no password).\n",
    );
    expect(code).toBe(0);
  });

  it("refuses a port that is no port with its usage, exit 2", async () => {
    const { code, stderr } = await runPllm(["view", directory, "--port", "70000"], { ...process.env, NO_COLOR: "1" });
    expect(code).toBe(2);
    expect(stderr.trim().split("\n").at(-1)).toBe("pllm: --port takes a port number from 0 to 65535; got 70000.");
  });

  it("says in one line that a directory holds no workspace, and exits 1", async () => {
    const missing = join(directory, "..", "nowhere");
    const { code, stdout, stderr } = await runPllm(["view", missing, "--port", "0"], { ...process.env, NO_COLOR: "1" });
    expect([code, stdout]).toEqual([1, ""]);
    expect(stderr.trim().split("\n")).toEqual([expect.stringContaining(missing)]);
  });
});

describePg("pllm view --pg", () => {
  it("serves a PostgreSQL store: the overview, the calls, and live changes", async () => {
    const schema = tempSchema();
    fake.failNext({ status: 400, message: "No jokes today.", match: "Judge joke 2.", provider: "anthropic" });
    const options = {
      clients: fake.clientsFor(),
      summary: false,
      onError: "record",
      llm: "claude-sonnet-4-6",
    } as const;
    await Parallellm.run(tempWorkspace(), { ...options, store: postgresStore(pgUrl, { schema }) }, judgeJokes);
    await using pgReader = await inspectPostgres(pgUrl, { schema });
    await using pgServer = await startViewServer({ reader: pgReader, pollInterval: 50 });
    const overview = (await (await fetch(new URL("/api/overview", pgServer.url))).json()) as {
      overview: { calls: Record<string, number> };
    };
    expect(overview.overview.calls).toEqual({ answered: 2, pending: 0, failed: 1, unanswered: 0 });
    const page = (await (
      await fetch(new URL("/api/calls?agent=judge-*&status=failed", pgServer.url))
    ).json()) as CallPage;
    expect(page.calls.map((call) => call.agent)).toEqual(["judge-2"]);
    const events = await openEvents(new URL("/api/events", pgServer.url));
    const before = await events.next();
    await Parallellm.run(tempWorkspace(), { ...options, store: postgresStore(pgUrl, { schema }) }, (pllm) =>
      pllm.agent("late", (agent) => agent.ask("A late question.").text()),
    );
    expect((await events.next()).data).not.toBe(before.data);
    await events.cancel();
    let url: string | undefined;
    const environment = { ...process.env, NO_COLOR: "1" };
    const { code, stdout, stderr } = await runPllm(
      ["view", "--pg", pgUrl!, "--pg-schema", schema, "--port", "0"],
      environment,
      undefined,
      (output, pid) => {
        const found = /at (http:\/\/\S+) /.exec(output);
        if (found && url === undefined) {
          url = found[1]!;
          void fetch(new URL("/api/calls?agent=late", url))
            .then((response) => response.json())
            .then((page) => {
              expect((page as CallPage).calls.map((call) => call.status)).toEqual(["answered"]);
              process.kill(pid, "SIGINT");
            });
        }
      },
    );
    expect([code, stderr]).toEqual([0, ""]);
    expect(stdout).toContain(`(read-only; Ctrl-C stops)`);
  });
});
