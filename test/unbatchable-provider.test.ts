/**
 * A provider without a Batch API (here `MockProvider`; an AI SDK model is another)
 * in `batch` and `hybrid`: its calls are sent directly, with one warning per
 * model, instead of failing at close for want of a batch to put them in.
 */
import { describe, expect, it } from "vitest";
import { Parallellm } from "../src/index.js";
import { MockProvider } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

describe("a provider without a Batch API", () => {
  for (const strategy of ["batch", "hybrid"] as const) {
    it(`in ${strategy}: sends its calls directly, one warning per model`, async () => {
      const mock = new MockProvider({ name: "mock" });
      const warnings: string[] = [];
      const logger = {
        debug() {},
        info() {},
        error() {},
        warn: (_fields: object, message: string) => warnings.push(message),
      };
      const texts = await (async () => {
        await using pllm = await Parallellm.open(tempWorkspace(), {
          strategy,
          summary: false,
          logger,
          providers: { mock },
          batch: { minSize: 1 },
        });
        return pllm.forEach(
          ["a", "b", "c"],
          (item) => item,
          async (item, agent) => {
            const one = agent.ask(`Say ${item}.`, { llm: "mock:small" });
            const other = agent.ask(`Say ${item}.`, { llm: "mock:large" });
            return `${await one.text()} ${await other.text()}`;
          },
        );
      })();
      expect(texts.every((text) => typeof text === "string")).toBe(true);
      expect(mock.requestCount).toBe(6);
      expect(warnings.filter((message) => message.includes("no Batch API"))).toHaveLength(2);
    });
  }
});
