/**
 * Telemetry: OpenTelemetry spans of the run, each agent and each call, after
 * the GenAI semantic conventions, recorded by the SDK's in-memory exporter.
 * Through the official SDKs against the fake server, with a real SQLite store.
 */
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { InputError, type LLMChoice, Parallellm, type ParallellmOptions } from "../src/index.js";
import { postgresStore } from "../src/postgres.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";
import { describePg, pgUrl, tempSchema } from "./postgres.js";

let server: FakeProviderServer;
const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = tracerProvider.getTracer("parallellm-test");

beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());
beforeEach(() => {
  exporter.reset();
  server.setBatchBehavior({});
  server.resetLog();
});

function options(llm: LLMChoice, extra: ParallellmOptions = {}): ParallellmOptions {
  return {
    llm,
    strategy: "sync",
    clients: server.clientsFor(),
    retry: { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 },
    summary: false,
    telemetry: { tracer },
    ...extra,
  };
}

const colours = (pllm: Parallellm) =>
  pllm.forEach(
    ["a", "b"],
    (item) => `painter-${item}`,
    (item, agent) => agent.ask(`Name colour ${item}.`).text(),
  );

function spansNamed(prefix: string): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((span) => span.name.startsWith(prefix));
}

function parentOf(span: ReadableSpan): ReadableSpan | undefined {
  const parentId = span.parentSpanContext?.spanId;
  return exporter.getFinishedSpans().find((other) => other.spanContext().spanId === parentId);
}

describe("telemetry", () => {
  it("records run → agent → call spans with the GenAI attributes; a replay records cache hits and sends nothing", async () => {
    const directory = tempWorkspace();
    await Parallellm.run(directory, options("gpt-4.1-mini"), colours);

    const [run] = spansNamed("parallellm.run");
    expect(run?.attributes).toMatchObject({
      "parallellm.strategy": "sync",
      "parallellm.asked": 2,
      "parallellm.sent": 2,
      "parallellm.received": 2,
    });
    const agents = spansNamed("invoke_agent ");
    expect(agents.map((span) => span.name).sort()).toEqual(["invoke_agent painter-a", "invoke_agent painter-b"]);
    for (const agent of agents) {
      expect(parentOf(agent)).toBe(run);
      expect(agent.attributes).toMatchObject({ "gen_ai.operation.name": "invoke_agent" });
    }
    const calls = spansNamed("chat ");
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.name).toBe("chat gpt-4.1-mini");
      expect(call.kind).toBe(SpanKind.CLIENT);
      expect(call.status.code).toBe(SpanStatusCode.UNSET);
      const agent = parentOf(call);
      expect(agent?.name).toBe(`invoke_agent ${call.attributes["parallellm.agent"]}`);
      expect(call.attributes).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4.1-mini",
        "gen_ai.response.model": expect.stringMatching(/^gpt-4\.1-mini/),
        "gen_ai.usage.input_tokens": expect.any(Number),
        "gen_ai.usage.output_tokens": expect.any(Number),
        "gen_ai.response.finish_reasons": ["completed"],
        "parallellm.call.hash": expect.stringMatching(/^[\w-]{43}$/),
        "parallellm.call.occurrence": 0,
        "parallellm.cache_hit": false,
        "parallellm.cost_usd": expect.any(Number),
      });
    }
    const sent = calls.map((call) => call.attributes);

    exporter.reset();
    server.resetLog();
    await Parallellm.run(directory, options("gpt-4.1-mini"), colours);
    expect(server.requests).toHaveLength(0);
    const replayed = spansNamed("chat ");
    expect(replayed).toHaveLength(2);
    for (const call of replayed) {
      expect(call.kind).toBe(SpanKind.INTERNAL);
      expect(parentOf(call)?.name).toBe(`invoke_agent ${call.attributes["parallellm.agent"]}`);
      const first = sent.find((attributes) => attributes["parallellm.agent"] === call.attributes["parallellm.agent"]);
      expect(call.attributes).toMatchObject({
        ...first,
        "parallellm.cache_hit": true,
        "parallellm.via_batch": false,
      });
    }
    expect(spansNamed("parallellm.run")[0]?.attributes).toMatchObject({
      "parallellm.replayed": 2,
      "parallellm.sent": 0,
    });
  });

  it("embeddings: one span per text, operation embeddings, with its input tokens; a replay records cache hits", async () => {
    const directory = tempWorkspace();
    const embed = (pllm: Parallellm) =>
      pllm.agent("embedder", (agent) =>
        agent.embed(["one", "two"], { model: "text-embedding-3-small", dimensions: 2 }),
      );
    await Parallellm.run(directory, options("gpt-4.1-mini", { strategy: "async" }), embed);
    const sent = spansNamed("embeddings ");
    expect(sent.map((span) => span.name)).toEqual([
      "embeddings text-embedding-3-small",
      "embeddings text-embedding-3-small",
    ]);
    for (const span of sent) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(parentOf(span)?.name).toBe("invoke_agent embedder");
      expect(span.attributes).toMatchObject({
        "gen_ai.operation.name": "embeddings",
        "gen_ai.usage.input_tokens": 1,
        "parallellm.cache_hit": false,
      });
    }
    exporter.reset();
    await Parallellm.run(directory, options("gpt-4.1-mini", { strategy: "async" }), embed);
    const replayed = spansNamed("embeddings ");
    expect(replayed.map((span) => span.attributes["parallellm.cache_hit"])).toEqual([true, true]);
  });

  it("a failed call is a span with error status and error.type; a fallback is a span of its own", async () => {
    server.failNext({ status: 400, message: "no", match: (context) => context.model === "gpt-4.1-mini" });
    const directory = tempWorkspace();
    await Parallellm.run(directory, options(["gpt-4.1-mini", "claude-sonnet-4-5"]), (pllm) =>
      pllm.agent("asker", (agent) => agent.ask("Name a colour.").text()),
    );
    const [failed, answered] = spansNamed("chat ");
    expect(failed?.name).toBe("chat gpt-4.1-mini");
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed?.attributes).toMatchObject({ "error.type": "ProviderRequestError", "parallellm.llm.position": 0 });
    expect(answered?.name).toBe("chat claude-sonnet-4-5");
    expect(answered?.status.code).toBe(SpanStatusCode.UNSET);
    expect(answered?.attributes).toMatchObject({
      "gen_ai.provider.name": "anthropic",
      "gen_ai.request.model": "claude-sonnet-4-5",
      "parallellm.llm.position": 1,
    });
    expect(parentOf(failed!)).toBe(parentOf(answered!));
  });

  it("a streamed call is one call span, as a call sent whole: a stream cut off and retried in it is no span of its own", async () => {
    server.cutStream({ provider: "openai", afterEvents: 6 });
    await Parallellm.run(tempWorkspace(), options("gpt-4.1-mini"), (pllm) =>
      pllm.agent("teller", async (agent) => {
        const handle = agent.ask("Tell a story.");
        // The first delta only: it shows the call is streamed; the answer as stored is what counts.
        expect((await handle.textStream()[Symbol.asyncIterator]().next()).done).toBe(false);
        return handle.text();
      }),
    );
    expect(server.requests).toHaveLength(2);
    const calls = spansNamed("chat ");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.status.code).toBe(SpanStatusCode.UNSET);
    expect(calls[0]?.attributes).toMatchObject({
      "gen_ai.usage.input_tokens": expect.any(Number),
      "gen_ai.usage.output_tokens": expect.any(Number),
      "gen_ai.response.finish_reasons": ["completed"],
      "parallellm.cache_hit": false,
    });
  });

  it("an agent that fails is an agent span with error status", async () => {
    server.failNext({ status: 400, message: "no", match: (context) => context.model === "gpt-4.1-mini" });
    const run = Parallellm.run(tempWorkspace(), options("gpt-4.1-mini"), (pllm) =>
      pllm.agent("asker", (agent) => agent.ask("Name a colour.").text()),
    );
    await expect(run).rejects.toThrow(/HTTP 400: no/);
    const [agent] = spansNamed("invoke_agent asker");
    expect(agent?.status.code).toBe(SpanStatusCode.ERROR);
    expect(agent?.attributes["error.type"]).toBe("ProviderRequestError");
    expect(spansNamed("parallellm.run")).toHaveLength(1);
  });

  it("batch: submission and ingest are events on the run span, with the provider's batch id", async () => {
    const directory = tempWorkspace();
    const batchOptions = options("gpt-4.1-mini", { strategy: "batch" });
    const first = await Parallellm.run(directory, batchOptions, colours);
    const batchId = first.summary.batches.submitted[0]?.providerBatchId;
    expect(batchId).toEqual(expect.any(String));
    const [firstRun] = spansNamed("parallellm.run");
    expect(firstRun?.events.map((event) => [event.name, event.attributes])).toEqual([
      [
        "parallellm.batch.submit",
        {
          "gen_ai.provider.name": "openai",
          "gen_ai.request.model": "gpt-4.1-mini",
          "parallellm.batch.requests": 2,
          "parallellm.batch.id": batchId,
        },
      ],
    ]);
    expect(spansNamed("chat ")).toHaveLength(0);
    const halted = spansNamed("invoke_agent ");
    expect(halted.map((span) => [span.attributes["parallellm.agent.halted"], span.status.code])).toEqual([
      [true, SpanStatusCode.UNSET],
      [true, SpanStatusCode.UNSET],
    ]);

    exporter.reset();
    await Parallellm.run(directory, batchOptions, colours);
    const [secondRun] = spansNamed("parallellm.run");
    expect(secondRun?.events.map((event) => [event.name, event.attributes])).toEqual([
      [
        "parallellm.batch.ingest",
        {
          "parallellm.batch.ingested": 1,
          "parallellm.batch.answers": 2,
          "parallellm.batch.failed_requests": 0,
          "parallellm.batch.pending": 0,
        },
      ],
    ]);
    expect(spansNamed("chat ").map((span) => span.attributes["parallellm.via_batch"])).toEqual([true, true]);
  });

  it("records nothing without a tracer, even with a global tracer provider registered", async () => {
    trace.setGlobalTracerProvider(tracerProvider);
    try {
      await Parallellm.run(tempWorkspace(), options("gpt-4.1-mini", { telemetry: undefined }), colours);
    } finally {
      trace.disable();
    }
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it("refuses telemetry without a tracer", async () => {
    const open = Parallellm.open(tempWorkspace(), options("gpt-4.1-mini", { telemetry: {} as never }));
    await expect(open).rejects.toThrow(InputError);
    await expect(open).rejects.toThrow(/`telemetry` has no tracer/);
  });
});

describePg("telemetry on a PostgreSQL store", () => {
  it("records replays found by the store's asynchronous lookups as cache-hit spans under their agents", async () => {
    const schema = tempSchema();
    const directory = tempWorkspace();
    const run = () =>
      Parallellm.run(directory, options("gpt-4.1-mini", { store: postgresStore(pgUrl, { schema }) }), colours);
    await run();
    exporter.reset();
    server.resetLog();
    await run();
    expect(server.requests).toHaveLength(0);
    const replayed = spansNamed("chat ");
    expect(replayed.map((span) => span.attributes["parallellm.cache_hit"])).toEqual([true, true]);
    for (const call of replayed) {
      expect(parentOf(call)?.name).toBe(`invoke_agent ${call.attributes["parallellm.agent"]}`);
    }
  });
});
