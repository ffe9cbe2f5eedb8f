/**
 * An embedding call as the readers show it: `WorkspaceReader.call` gives the
 * vector back; `pllm show` and the viewer's call page show the model, the text,
 * the length and the first values, never the whole vector.
 */
import { stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callDetailLines } from "../src/cli/format-call.js";
import { Parallellm } from "../src/index.js";
import type { WorkspaceReader } from "../src/store/workspace-reader.js";
import { fakeEmbedding } from "../src/testing/fake-server/fake-embedding.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { startViewServer } from "../src/view/view-server.js";
import { runPllm, tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;
let reader: WorkspaceReader;
const text = "A text worth a vector.";
const model = "text-embedding-3-small";

beforeAll(async () => {
  server = await startFakeProviderServer();
  const directory = tempWorkspace();
  const pllm = await Parallellm.open(directory, { clients: server.clientsFor(), summary: false, llm: "gpt-4.1-mini" });
  await pllm.agent("embedder", (agent) => agent.embed(text, { model, dimensions: 16 }));
  await pllm.close();
  reader = await Parallellm.inspect(directory);
});
afterAll(async () => {
  await reader?.close();
  await server.close();
});

describe("an embedding call, read back", () => {
  it("the reader gives the call its vector, its text and its usage", async () => {
    const detail = await reader.call(1);
    expect(detail).toMatchObject({ agent: "embedder", model, status: "answered", request: { text } });
    expect([...(detail?.answer?.embedding ?? [])]).toEqual([...fakeEmbedding(model, text, 16)]);
    expect(detail?.answer?.usage.inputTokens).toBe(Math.ceil(text.length / 4));
  });

  it("the call list gives an embedding its vector's length, and pllm calls shows it as the answer", async () => {
    // A workspace of its own: the one above is removed after the first test (only its open reader remains).
    const directory = tempWorkspace();
    const pllm = await Parallellm.open(directory, {
      clients: server.clientsFor(),
      summary: false,
      llm: "gpt-4.1-mini",
    });
    await pllm.agent("embedder", (agent) => agent.embed(text, { model, dimensions: 16 }));
    await pllm.agent("asker", (agent) => agent.ask("A question.").text());
    await pllm.close();
    const listing = await Parallellm.inspect(directory);
    try {
      const { calls } = await listing.calls();
      expect(calls.find((call) => call.agent === "embedder")).toMatchObject({ dimensions: 16 });
      expect(calls.find((call) => call.agent === "asker")?.dimensions).toBeUndefined();
    } finally {
      await listing.close();
    }
    const listed = await runPllm(["calls", directory], { ...process.env, NO_COLOR: "1" });
    expect(listed.stderr).toBe("");
    expect(listed.stdout).toMatch(/embedder .*vector of 16 dimensions/);
  });

  it("pllm show: the text, and the vector as its length and first values", async () => {
    // Colours are on under CI=true: the text is read without them.
    const lines = stripVTControlCharacters(callDetailLines((await reader.call(1))!).join("\n"));
    expect(lines).toContain(`openai/${model}`);
    expect(lines).toMatch(/Text\n\s+A text worth a vector\./);
    expect(lines).toMatch(/vector of 16 dimensions: \[-?\d\.\d+, -?\d\.\d+, -?\d\.\d+, -?\d\.\d+, …\]/);
  });

  it("the viewer's call: the vector cut to its length and first values, the text shown", async () => {
    await using view = await startViewServer({ reader, pollInterval: 50 });
    const response = await fetch(new URL("api/call?id=1", view.url));
    const call = (await response.json()) as Record<string, unknown> & {
      answer: { vector: { dimensions: number; start: number[] }; embedding?: unknown };
      answers: { result: { vector: { dimensions: number } } }[];
    };
    expect(call.answer.vector.dimensions).toBe(16);
    expect(call.answer.vector.start).toEqual([...fakeEmbedding(model, text, 16).subarray(0, 8)]);
    expect(call.answer.embedding).toBeUndefined();
    expect(call.answers[0]?.result.vector.dimensions).toBe(16);
    expect(call.request).toMatchObject({ text });
  });
});
