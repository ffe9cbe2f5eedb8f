/**
 * With `keepRaw: true` every answer keeps the provider's raw response, direct
 * and batch, for every provider: read back through `Parallellm.inspect`, fields
 * parallellm does not map included; by default (or `false`) none is kept; what
 * user code gets, first run and replay alike, is the normalised result without it. Official SDKs against the
 * fake provider server, real SQLite.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LLM, Parallellm, type ParallellmOptions } from "../src/index.js";
import { decompressRaw } from "../src/store/raw-response-codec.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { openaiChat, tempWorkspace } from "./helpers.js";

const canary = "RAWKEYCANARY";
const keys = { openai: `sk-${canary}-openai`, anthropic: `sk-ant-${canary}`, google: `AIza${canary}` };

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer({ apiKeys: keys });
});
afterAll(() => server.close());

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
type Body = Record<string, any>;

/**
 * Each target: the options that ask for an unmapped field, where a batch result
 * line holds the response body, and the unmapped field itself.
 */
const targets: {
  name: string;
  llm: LLM;
  providerOptions?: Record<string, unknown>;
  bodyOfLine: (line: Body) => Body;
  unmapped: (body: Body) => unknown;
}[] = [
  {
    name: "openai (responses)",
    llm: "gpt-4.1-mini",
    providerOptions: { include: ["message.output_text.logprobs"], top_logprobs: 2 },
    bodyOfLine: (line) => line.response.body,
    unmapped: (body) => body.output[0].content[0].logprobs[0].top_logprobs.length,
  },
  {
    name: "openai (chat)",
    llm: "openai-chat:gpt-4.1-mini",
    providerOptions: { logprobs: true, top_logprobs: 2 },
    bodyOfLine: (line) => line.response.body,
    unmapped: (body) => [body.system_fingerprint, body.choices[0].logprobs.content[0].top_logprobs.length],
  },
  {
    name: "anthropic",
    llm: "claude-sonnet-4-6",
    bodyOfLine: (line) => line.result.message,
    unmapped: (body) => [body.stop_sequence, body.usage.service_tier],
  },
  {
    name: "google",
    llm: "gemini-2.5-flash",
    bodyOfLine: (line) => line.response,
    unmapped: (body) => body.candidates[0].safetyRatings.map((rating: Body) => rating.probability),
  },
];
const expectedUnmapped: Record<string, unknown> = {
  "openai (responses)": 2,
  "openai (chat)": ["fp_fake0001", 2],
  anthropic: [null, "standard"],
  google: ["NEGLIGIBLE", "NEGLIGIBLE", "NEGLIGIBLE", "NEGLIGIBLE"],
};

/** One agent asks directly (sync), another through a provider batch run until done. */
async function runBoth(directory: string, target: (typeof targets)[number], extra: Partial<ParallellmOptions> = {}) {
  const options: ParallellmOptions = {
    llm: target.llm,
    clients: server.clientsFor(),
    providers: openaiChat(server),
    summary: false,
    keepRaw: true,
    ...extra,
  };
  const ask = (agentName: string) => (pllm: Parallellm) =>
    pllm.agent(agentName, (agent) =>
      agent.ask(`Name a colour for ${agentName}.`, { providerOptions: target.providerOptions }).result(),
    );
  const direct = (await Parallellm.run(directory, { ...options, strategy: "sync" }, ask("direct"))).result;
  await Parallellm.run(directory, { ...options, strategy: "batch" }, ask("batched"), {
    untilDone: true,
    pollInterval: 0,
  });
  return direct;
}

async function detailsOf(directory: string) {
  await using reader = await Parallellm.inspect(directory);
  const detail = async (agent: string) => {
    const [row] = (await reader.calls({ agent })).calls;
    return (await reader.call(row.id!))!;
  };
  return { direct: await detail("direct"), batched: await detail("batched") };
}

describe("raw provider responses", () => {
  for (const target of targets) {
    it(`${target.name}: a direct and a batch answer keep the body as received; a replay gives the same result`, async () => {
      const directory = tempWorkspace();
      const firstRun = await runBoth(directory, target);
      const { direct, batched } = await detailsOf(directory);

      const directBody = direct.raw as Body;
      expect(target.unmapped(directBody)).toEqual(expectedUnmapped[target.name]);
      expect(direct.answers.map((answer) => answer.raw)).toEqual([directBody]);
      expect(JSON.stringify(directBody)).toContain(direct.answer!.text);
      // The SDK's own additions are not the body's.
      expect(Object.keys(directBody)).not.toContain("output_text");
      expect(Object.keys(directBody)).not.toContain("sdkHttpResponse");

      const line = batched.raw as Body;
      expect(batched.answers).toMatchObject([{ viaBatch: true, raw: line }]);
      expect(target.unmapped(target.bodyOfLine(line))).toEqual(expectedUnmapped[target.name]);
      expect(JSON.stringify(line)).toContain(batched.answer!.text);

      // User code got the normalised result alone, what the store holds and a rerun replays.
      expect(firstRun).not.toHaveProperty("raw");
      expect(firstRun).toEqual(direct.answer);
      const sent = server.requests.length;
      const replayed = await Parallellm.run(
        directory,
        { llm: target.llm, clients: server.clientsFor(), providers: openaiChat(server), summary: false },
        (pllm) =>
          pllm.agent("direct", (agent) =>
            agent.ask("Name a colour for direct.", { providerOptions: target.providerOptions }).result(),
          ),
      );
      expect(server.requests.length).toBe(sent);
      expect(replayed.result).not.toHaveProperty("raw");
      expect(replayed.result).toEqual(firstRun);

      // No API key in the store, in plain bytes or in the deflated raw responses.
      const store = join(directory, "store.sqlite");
      expect(readFileSync(store).toString("latin1")).not.toContain(canary);
      const db = new Database(store, { readonly: true });
      const raws = db.prepare("SELECT raw FROM responses").pluck().all() as Buffer[];
      db.close();
      expect(raws).toHaveLength(2);
      for (const raw of raws) expect(decompressRaw(raw)).not.toContain(canary);
    });
  }

  for (const keepRaw of [false, undefined]) {
    it(`keepRaw: ${keepRaw} keeps none, direct or batch, and answers alike`, async () => {
      const target = targets[3];
      const kept = await runBoth(tempWorkspace(), target);
      const directory = tempWorkspace();
      const withoutRaw = await runBoth(directory, target, { keepRaw });
      const { direct, batched } = await detailsOf(directory);
      for (const detail of [direct, batched]) {
        expect(detail.raw).toBeUndefined();
        expect(detail.answers).toMatchObject([{ raw: undefined }]);
      }
      expect(Object.keys(withoutRaw!)).toEqual(Object.keys(kept!));
    });
  }
});
