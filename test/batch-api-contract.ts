/**
 * The BatchApi contract: one suite, run over every adapter through its official
 * SDK against the fake provider server (in the style of unstorage's
 * `testDriver`). What differs between providers by design (how a batch that
 * ended early reads) is declared by the subject; everything else is the same test.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { checkBatchLimits } from "../src/batch/check-batch-limits.js";
import {
  AuthenticationError,
  ParallellmError,
  ProviderError,
  ProviderRequestError,
  TransientProviderError,
} from "../src/core/errors.js";
import type { LLMRequest, LLMResult } from "../src/core/llm.js";
import type { BatchApi, BatchItem, BatchItemResult, BatchState, Provider } from "../src/providers/provider.js";
import {
  type FakeProviderName,
  type FakeProviderServer,
  type FakeProviderServerOptions,
  startFakeProviderServer,
} from "../src/testing/index.js";
import { inputFile, readBatchResults } from "./batch-api.js";

/** An adapter under test, and what it does differently by design. */
export interface BatchApiSubject {
  /** The name the provider is registered under (in requests, errors and warnings). */
  readonly provider: string;
  /** Whose routes of the fake server it talks to. @default provider */
  readonly wireProvider?: FakeProviderName | undefined;
  /** How the fake server must be started to speak its wire format (`openaiDialect`). */
  readonly serverOptions?: FakeProviderServerOptions | undefined;
  readonly model: string;
  /** The provider as users make it, over the fake server's SDK client. */
  readonly create: (server: FakeProviderServer) => Provider;
  /** The provider over an SDK client built with the SDK's own retries on (as a user might inject it). */
  readonly withRetryingClient: (server: FakeProviderServer) => Provider;
  /** The provider made from settings only (`apiKey` and the server's URL; no key in the environment when `undefined`). */
  readonly fromSettings: (server: FakeProviderServer, apiKey: string | undefined) => Provider;
  /** The environment variables it reads its key from, the one its errors name first. */
  readonly keyVariables: readonly string[];
  /** The HTTP status the provider answers "overloaded" with (Anthropic: 529). */
  readonly overloadedStatus: number;
  /** A batch id in the provider's format that names no batch. */
  readonly unknownId: string;
  /** What `status` reads once a batch ended each way (Anthropic knows only `ended`: "completed"). */
  readonly endStates: Readonly<Record<"expired" | "cancelled" | "failed", BatchState>>;
  /**
   * The results of a batch that ended before every request finished: the
   * finished ones succeed, and the rest come back with this status, or not at
   * all (`"absent"`); Gemini's expired batches carry no results (`"none"`).
   * Mistral's files hold only the requests that ran (`"absent"`).
   */
  readonly unfinished: {
    readonly expired: "expired" | "absent" | "none";
    readonly cancelled: "cancelled" | "absent";
  };
  /** A batch failed as a whole: no results, or (Anthropic, which has no such state) every request failed. */
  readonly failedResults: "none" | "every-request-failed";
}

/** Runs the contract over `subject`, in a `describe` of its own with its own fake server. */
export function testBatchApi(subject: BatchApiSubject): void {
  const { provider, model } = subject;
  const wireProvider = subject.wireProvider ?? (provider as FakeProviderName);
  const startServer = (options: FakeProviderServerOptions = {}) =>
    startFakeProviderServer({ ...subject.serverOptions, ...options });
  describe(`${provider} BatchApi contract`, () => {
    let server: FakeProviderServer;
    let api: BatchApi;
    let tagCount = 0;

    beforeAll(async () => {
      server = await startServer();
      api = subject.create(server).batch!;
    });
    afterAll(() => server.close());
    afterEach(() => {
      server.setBatchBehavior({});
      server.setHostility(undefined);
      server.resetLog();
      vi.unstubAllEnvs();
    });

    const request = (text: string, extra: Partial<LLMRequest> = {}): LLMRequest => ({
      provider,
      model,
      messages: [{ role: "user", content: [{ type: "text", text }] }],
      ...extra,
    });
    const items = (...customIds: string[]): BatchItem[] =>
      customIds.map((customId) => ({ customId, request: request(`Question ${customId}`) }));

    async function submit(batchItems: readonly BatchItem[], on: BatchApi = api) {
      const tag = `contract-${provider}-${++tagCount}`;
      const inputPath = inputFile(batchItems.map((item) => on.inputLine(item)));
      const { id } = await on.submit({ model, items: batchItems, inputPath, tag });
      return { id, tag };
    }

    async function pollUntilEnded(id: string): Promise<BatchState[]> {
      const states: BatchState[] = [];
      for (let poll = 0; poll < 20; poll++) {
        const { state } = await api.status(id);
        states.push(state);
        if (state !== "in-progress") return states;
      }
      throw new Error(`batch ${id} did not end`);
    }

    async function outcomes(id: string): Promise<Record<string, BatchItemResult["status"]>> {
      const { items: results } = await readBatchResults(api.results(id));
      return Object.fromEntries(results.map((result) => [result.customId, result.status]));
    }

    it("declares limits that are whole numbers from 1 up", () => {
      expect(() => checkBatchLimits(provider, api.limits)).not.toThrow();
    });

    it("writes each item as one JSON line that carries its custom id", () => {
      const line = api.inputLine({ customId: "call-7", request: request("Hi\nthere") });
      expect(line).not.toContain("\n");
      expect(JSON.stringify(JSON.parse(line))).toContain('"call-7"');
    });

    it("needs no key until a batch call is made, then names the variable to set", async () => {
      for (const variable of subject.keyVariables) vi.stubEnv(variable, "");
      const keyless = subject.fromSettings(server, undefined).batch!;
      expect(keyless.inputLine({ customId: "a", request: request("Hi") })).toContain('"a"');
      const error = await keyless.status(subject.unknownId).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as Error).message).toContain(subject.keyVariables[0]);
      expect(server.requests).toHaveLength(0);
    });

    it("submits, reports in-progress then completed, and reads results equal to direct calls", async () => {
      server.setBatchBehavior({ completeAfterPolls: 2 });
      server.script({
        provider: wireProvider,
        match: "Oslo",
        reply: { toolCalls: [{ name: "get_weather", args: { city: "Oslo" } }] },
      });
      const direct = subject.create(server);
      const requests: Record<string, LLMRequest> = {
        text: request("Name a colour.", { instructions: "Be brief." }),
        schema: request("Extract the event.", { schema: eventSchema }),
        tools: request("Weather in Oslo?", { tools: [weatherTool] }),
      };
      const { id } = await submit(Object.entries(requests).map(([customId, value]) => ({ customId, request: value })));

      expect(server.batchesOf(wireProvider).map((batch) => batch.id)).toContain(id);
      expect(await pollUntilEnded(id)).toEqual(["in-progress", "in-progress", "completed"]);
      const results = await readBatchResults(api.results(id));
      expect(results.warnings).toEqual([]);
      expect(results.rawLines).toHaveLength(3);
      const byId = Object.fromEntries(results.items.map((result) => [result.customId, result]));
      expect(Object.keys(byId).sort()).toEqual(["schema", "text", "tools"]);
      for (const [customId, value] of Object.entries(requests)) {
        expect(comparable(succeeded(byId[customId]))).toEqual(comparable(await direct.generate(value)));
      }
      expect(Object.keys(JSON.parse(succeeded(byId.schema).text)).sort()).toEqual(["count", "day"]);
      expect(succeeded(byId.tools).toolCalls).toMatchObject([{ name: "get_weather", args: { city: "Oslo" } }]);
      expect(succeeded(byId.tools).finishReason.unified).toBe("tool-calls");
    });

    it("finds the id of a batch by the tag it was submitted with", async () => {
      const fresh = await startServer();
      try {
        const own = subject.create(fresh).batch!;
        const createdAfter = Date.now();
        const { id, tag } = await submit(items("a", "b"), own);
        expect(await own.find(tag, { createdAfter, requestCount: 2 })).toBe(id);
        const later = Date.now() + 2 * 24 * 60 * 60 * 1000;
        expect(await own.find("never-submitted", { createdAfter: later, requestCount: 2 })).toBeUndefined();
      } finally {
        await fresh.close();
      }
    });

    it("returns per-request failures as failed items with a classified ProviderError", async () => {
      server.setBatchBehavior({
        failRequest: ({ customId }) => ({ busy: subject.overloadedStatus, bad: 400 })[customId],
      });
      const { id } = await submit(items("good", "busy", "bad"));
      await pollUntilEnded(id);
      const { items: results } = await readBatchResults(api.results(id));
      const byId = Object.fromEntries(results.map((result) => [result.customId, result]));

      expect(byId.good?.status).toBe("succeeded");
      expect(failed(byId.busy)).toBeInstanceOf(TransientProviderError);
      // No model: Anthropic's batch and its error lines do not say which model the batch was for.
      expect(failed(byId.busy)).toMatchObject({
        provider,
        kind: "overloaded",
        statusCode: subject.overloadedStatus,
        isRetryable: true,
      });
      expect(failed(byId.bad)).toBeInstanceOf(ProviderRequestError);
      expect(failed(byId.bad)).toMatchObject({ provider, statusCode: 400, isRetryable: false });
    });

    it("reads an expired batch: what finished succeeds, the rest as the provider reports it", async () => {
      server.setBatchBehavior({ outcome: "expired", finishedBeforeEnd: 1 });
      const { id } = await submit(items("a", "b", "c"));
      expect(await pollUntilEnded(id)).toEqual([subject.endStates.expired]);
      expect(await outcomes(id)).toEqual(
        { none: {}, absent: { a: "succeeded" }, expired: { a: "succeeded", b: "expired", c: "expired" } }[
          subject.unfinished.expired
        ],
      );
    });

    it("cancels: the batch ends, what finished succeeds, the rest as the provider reports it", async () => {
      server.setBatchBehavior({ completeAfterPolls: 10, finishedBeforeEnd: 1 });
      const { id } = await submit(items("a", "b"));
      expect((await api.status(id)).state).toBe("in-progress");

      await api.cancel(id);

      expect(server.requests.at(-1)).toMatchObject({ method: "POST", path: expect.stringMatching(/cancel(\?|$)/) });
      expect(await pollUntilEnded(id)).toEqual([subject.endStates.cancelled]);
      expect(await outcomes(id)).toEqual(
        subject.unfinished.cancelled === "absent" ? { a: "succeeded" } : { a: "succeeded", b: "cancelled" },
      );
    });

    it("reports a batch that failed as a whole, with its results as the provider keeps them", async () => {
      server.setBatchBehavior({ outcome: "failed" });
      const { id } = await submit(items("a", "b"));
      expect(await pollUntilEnded(id)).toEqual([subject.endStates.failed]);
      expect(await outcomes(id)).toEqual(subject.failedResults === "none" ? {} : { a: "failed", b: "failed" });
    });

    it("reads results without fetching the batch again when given what status() returned", async () => {
      const { id } = await submit(items("a"));
      const ended = await api.status(id);
      expect(ended.state).toBe("completed");

      server.resetLog();
      const again = await readBatchResults(api.results(id));
      const fetchedAgain = server.requests.length;
      server.resetLog();
      const given = await readBatchResults(api.results(id, ended));

      expect(given).toEqual(again);
      expect(server.requests).toHaveLength(fetchedAgain - 1);
    });

    it("refuses to read the results of a batch still in progress, as misuse (not a provider failure)", async () => {
      server.setBatchBehavior({ completeAfterPolls: 10 });
      const { id } = await submit(items("a"));
      const error = await readBatchResults(api.results(id)).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ParallellmError);
      expect(error).not.toBeInstanceOf(ProviderError);
      expect((error as Error).message).toContain(id);
    });

    it("streams results in chunks, so a large batch never sits in memory whole", async () => {
      const many = Array.from({ length: 5001 }, (_, index) => ({
        customId: `c${index}`,
        request: request(`Label item ${index} ${"with some context ".repeat(4)}`),
      }));
      const { id } = await submit(many);
      await pollUntilEnded(id);
      let chunks = 0;
      const seen = new Set<string>();
      for await (const chunk of api.results(id)) {
        chunks++;
        expect(chunk.lines.length).toBeLessThan(many.length);
        for (const line of chunk.lines) if (!("warning" in line.outcome)) seen.add(line.outcome.customId);
      }
      expect(chunks).toBeGreaterThan(1);
      expect(seen.size).toBe(many.length);
    });

    it("skips a malformed result line with a warning and reads the rest, never throwing", async () => {
      const { id } = await submit(items("a", "b", "c"));
      await pollUntilEnded(id);
      server.setHostility({ kind: "truncate-line", provider: wireProvider, times: 1 });

      const results = await readBatchResults(api.results(id));

      expect(results.items).toHaveLength(2);
      expect(results.items.every((item) => item.status === "succeeded")).toBe(true);
      expect(results.rawLines).toHaveLength(3);
      expect(results.warnings).toHaveLength(1);
      expect(results.warnings[0]).toMatch(new RegExp(`^\\[${provider}\\] .*${id.replace(/[/]/g, "\\/")}`));
    });

    it("classifies SDK errors: an unknown batch, a rate limit on submit (nothing created, no hidden retry), a wrong key", async () => {
      const missing = await api.status(subject.unknownId).catch((caught: unknown) => caught);
      expect(missing).toBeInstanceOf(ProviderRequestError);
      expect(missing).toMatchObject({ provider, statusCode: 404, isRetryable: false });

      const created = server.batchesOf(wireProvider).length;
      server.resetLog();
      server.failNext({ status: 429, retryAfterSeconds: 3 });
      const retrying = subject.withRetryingClient(server).batch!;
      const limited = await submit(items("a"), retrying).catch((caught: unknown) => caught);
      expect(limited).toBeInstanceOf(TransientProviderError);
      expect(limited).toMatchObject({ provider, model, kind: "rate-limited", statusCode: 429, retryAfterMs: 3000 });
      expect(server.batchesOf(wireProvider)).toHaveLength(created);
      // One request: the client's own retries are off (strategies retry, and creating a batch is not idempotent).
      expect(server.requests).toHaveLength(1);

      const locked = await startServer({ apiKeys: { [wireProvider]: "right-key-0000" } });
      try {
        const wrongKey = subject.fromSettings(locked, "wrong-key-1111").batch!;
        const denied = await wrongKey.cancel(subject.unknownId).catch((caught: unknown) => caught);
        expect(denied).toBeInstanceOf(AuthenticationError);
        expect((denied as Error).message).not.toContain("wrong-key");
      } finally {
        await locked.close();
      }
    });
  });
}

// --- internal ---

const weatherTool = {
  name: "get_weather",
  description: "Current weather in a city.",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

const eventSchema = {
  name: "event",
  jsonSchema: {
    type: "object",
    properties: { day: { type: "string", enum: ["Friday", "Saturday"] }, count: { type: "integer" } },
    required: ["day", "count"],
    additionalProperties: false,
  },
};

function succeeded(item: BatchItemResult | undefined): LLMResult {
  if (item?.status !== "succeeded") throw new Error(`expected a success, got ${JSON.stringify(item)}`);
  return item.result;
}

function failed(item: BatchItemResult | undefined): ProviderError {
  if (item?.status !== "failed") throw new Error(`expected a failure, got ${JSON.stringify(item)}`);
  return item.error;
}

/** A result without what differs between two answers to the same request (ids, and a direct call's raw response). */
function comparable(result: LLMResult): unknown {
  return {
    ...result,
    raw: undefined,
    responseId: undefined,
    toolCalls: result.toolCalls.map((call) => ({ ...call, id: "<id>" })),
  };
}
