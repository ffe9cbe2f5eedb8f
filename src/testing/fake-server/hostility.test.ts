import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProviderServer } from "./fake-provider-server.js";
import type { FakeProviderServer } from "./fake-server-types.js";

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());

const chat = (prompt: string) =>
  fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: "Bearer sk-test", "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4.1-mini", messages: [{ role: "user", content: prompt }] }),
  });

describe("setHostility", () => {
  it("spoils matching answers as many times as asked, then answers normally", async () => {
    server.setHostility([
      { kind: "malformed-json", match: "cut", times: 1 },
      { kind: "empty-choices", match: "empty" },
      { kind: "huge-body", match: "huge", bytes: 1000 },
    ]);
    const cut = await chat("cut me");
    expect(cut.status).toBe(200);
    await expect(cut.clone().json()).rejects.toThrow(SyntaxError);
    expect(((await (await chat("cut me")).json()) as { choices: unknown[] }).choices).toHaveLength(1);
    expect(((await (await chat("empty please")).json()) as { choices: unknown[] }).choices).toEqual([]);
    const huge = (await (await chat("huge please")).json()) as { choices: { message: { content: string } }[] };
    expect(huge.choices[0].message.content).toHaveLength(1000);
    server.setHostility(undefined);
    expect(((await (await chat("empty please")).json()) as { choices: unknown[] }).choices).toHaveLength(1);
  });

  it("refuses unknown kinds and bad counts", () => {
    expect(() => server.setHostility({ kind: "nonsense" as never })).toThrow(/Unknown hostility kind `nonsense`/);
    expect(() => server.setHostility({ kind: "huge-body", times: 0 })).toThrow(/`times` in setHostility\(\)/);
  });
});
