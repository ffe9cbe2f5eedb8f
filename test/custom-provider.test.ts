/**
 * A provider written entirely in this file, as a user would write one for a
 * vendor parallellm does not ship: a class implementing `Provider` (answers
 * computed locally, nothing on the network) with a `BatchApi` of its own.
 * It is registered with `providers` and used in sync, async and batch mode;
 * nothing outside this file knows its name, its models or its wire format.
 */
import { describe, expect, it } from "vitest";
import {
  type BatchApi,
  type BatchItem,
  type BatchResultChunk,
  type BatchStatus,
  type LLMRequest,
  type LLMResult,
  Parallellm,
  type ParallellmOptions,
  type Provider,
} from "../src/index.js";
import { tempWorkspace } from "./helpers.js";

/** Answers every prompt with its text upper-cased. */
function shout(request: LLMRequest): LLMResult {
  const prompt = request.messages
    .flatMap((message) => message.content)
    .map((part) => (part.type === "text" ? part.text : ""))
    .join(" ");
  return {
    text: prompt.toUpperCase(),
    toolCalls: [],
    usage: {
      inputTokens: 3,
      outputTokens: 3,
      cachedInputTokens: undefined,
      reasoningTokens: undefined,
      totalTokens: 6,
    },
    finishReason: { unified: "stop", raw: "done" },
    responseId: undefined,
    model: request.model,
  };
}

/** A batch service kept in memory: a batch completes when `finishAll` says so. */
class ShoutBatches implements BatchApi {
  readonly limits = { maxRequests: 1000, maxBytes: 1_000_000 };
  readonly #batches = new Map<string, { items: BatchItem[]; state: BatchStatus["state"] }>();
  readonly submitted: string[] = [];

  inputLine(item: BatchItem): string {
    return JSON.stringify({ id: item.customId, prompt: item.request.messages });
  }

  async submit({ items }: { readonly items: readonly BatchItem[] }): Promise<{ readonly id: string }> {
    const id = `shout-batch-${this.#batches.size + 1}`;
    this.#batches.set(id, { items: [...items], state: "in-progress" });
    this.submitted.push(id);
    return { id };
  }

  async find(): Promise<string | undefined> {
    return undefined;
  }

  async status(id: string): Promise<BatchStatus> {
    const batch = this.#batches.get(id);
    if (!batch) throw new Error(`no batch ${id}`);
    return {
      state: batch.state,
      total: batch.items.length,
      finished: batch.state === "completed" ? batch.items.length : 0,
    };
  }

  async *results(id: string): AsyncIterable<BatchResultChunk> {
    const items = this.#batches.get(id)?.items ?? [];
    yield {
      lines: items.map((item) => {
        const result = shout(item.request);
        return {
          raw: JSON.stringify({ id: item.customId, text: result.text }),
          outcome: { customId: item.customId, status: "succeeded" as const, result },
        };
      }),
    };
  }

  async cancel(id: string): Promise<void> {
    const batch = this.#batches.get(id);
    if (batch) batch.state = "cancelled";
  }

  finishAll(): void {
    for (const batch of this.#batches.values()) batch.state = "completed";
  }
}

class ShoutProvider implements Provider {
  readonly name = "shout";
  readonly modelPrefixes = ["shout-"];
  readonly defaultModel = "shout-1";
  readonly batch = new ShoutBatches();
  readonly received: LLMRequest[] = [];

  async generate(request: LLMRequest): Promise<LLMResult> {
    this.received.push(request);
    return shout(request);
  }
}

const prompts = ["hello", "good morning", "bye"];

async function run(directory: string, shouter: ShoutProvider, options: ParallellmOptions) {
  const { result, summary } = await Parallellm.run(
    directory,
    { providers: { shout: shouter }, summary: false, ...options },
    (pllm) =>
      pllm.forEach(
        prompts,
        (prompt) => prompt,
        (prompt, agent) => agent.ask(prompt).text(),
      ),
  );
  return { result, summary };
}

describe("a provider defined in the test file", () => {
  for (const strategy of ["sync", "async"] as const) {
    it(`${strategy}: answers by its model prefix, by name and by its default model, then replays`, async () => {
      for (const llm of ["shout-1", "shout:another-model", "shout"]) {
        const shouter = new ShoutProvider();
        const directory = tempWorkspace();
        const first = await run(directory, shouter, { llm, strategy });
        expect(first.result).toEqual(["HELLO", "GOOD MORNING", "BYE"]);
        expect(first.summary).toMatchObject({ sent: 3, replayed: 0 });
        expect(shouter.received.map((request) => [request.provider, request.model])).toEqual(
          prompts.map(() => ["shout", llm === "shout:another-model" ? "another-model" : "shout-1"]),
        );
        const again = await run(directory, shouter, { llm, strategy });
        expect(again.result).toEqual(first.result);
        expect(again.summary).toMatchObject({ sent: 0, replayed: 3 });
        expect(shouter.received).toHaveLength(3);
      }
    });
  }

  it("batch: submits through its BatchApi, a later run ingests the answers, the next replays", async () => {
    const shouter = new ShoutProvider();
    const directory = tempWorkspace();
    const options: ParallellmOptions = { llm: "shout-1", strategy: "batch", limits: { shout: { rpm: 100 } } };

    const first = await run(directory, shouter, options);
    expect(first.result).toEqual([undefined, undefined, undefined]);
    expect(first.summary).toMatchObject({ collected: 3, sent: 0 });
    expect(first.summary.batches.submitted).toMatchObject([
      { provider: "shout", model: "shout-1", providerBatchId: "shout-batch-1", requestCount: 3 },
    ]);

    const waiting = await run(directory, shouter, options);
    expect(waiting.result).toEqual([undefined, undefined, undefined]);
    expect(waiting.summary.batches).toMatchObject({ ingested: 0, pending: 1 });

    shouter.batch.finishAll();
    const second = await run(directory, shouter, options);
    expect(second.result).toEqual(["HELLO", "GOOD MORNING", "BYE"]);
    expect(second.summary.batches).toMatchObject({ ingested: 1, ingestedAnswers: 3 });
    expect(second.summary).toMatchObject({ replayed: 3, sent: 0, collected: 0 });

    const third = await run(directory, shouter, options);
    expect(third.result).toEqual(second.result);
    expect(third.summary).toMatchObject({ replayed: 3, sent: 0, collected: 0 });
    expect(shouter.batch.submitted).toEqual(["shout-batch-1"]);
    expect(shouter.received).toHaveLength(0);
  });

  it("is refused in options keyed by provider name only where it would be ignored", async () => {
    const shouter = new ShoutProvider();
    const open = (options: ParallellmOptions) =>
      Parallellm.open(tempWorkspace(), { providers: { shout: shouter }, summary: false, ...options });
    await expect(open({ limits: { shuot: { rpm: 1 } } })).rejects.toThrow(
      /Unknown provider "shuot" in `limits` \("shuot"\); did you mean "shout"\?/,
    );
    await expect(open({ limits: { "shuot/shout-1": { rpm: 1 } } })).rejects.toThrow(/did you mean "shout"\?/);
    await expect(open({ batch: { limits: { shout: { maxRequests: 10 } } } })).rejects.toThrow(
      /`batch\.limits\.shout` would be ignored: "shout" is a provider you registered in `providers`.*batchLimits/,
    );
    await expect(open({ provider: "shuot" })).rejects.toThrow(/Unknown provider "shuot".*did you mean "shout"\?/);
    const pllm = await open({ provider: "shout", limits: { "shout/shout-1": { rpm: 100 } } });
    expect(await pllm.agent("a", (agent) => agent.ask("hi").text())).toBe("HI");
    await pllm.close();
  });
});
