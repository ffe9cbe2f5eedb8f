import { describe, expect, it } from "vitest";
import { z } from "zod";
import { canonicalJson, sha256 } from "./canonical.js";
import { IdentityCache } from "./identity-cache.js";
import { mergeCallOptions, prepareCall, retryCall } from "./prepare-call.js";

const resolveLLM = (llm: unknown) => ({
  id: String(llm),
  provider: "mock" as const,
  model: String(llm),
  api: undefined,
});

describe("prepareCall", () => {
  it("hashes exactly the canonical JSON of the identity object", () => {
    const long = "y".repeat(4000);
    const call = prepareCall(
      [long, { role: "system", content: "Be terse." }, { b: 1, a: 2 }],
      {
        llm: "m",
        instructions: "You classify.",
        schema: z.object({ label: z.string() }),
        tools: { lookup: { description: "Look up", parameters: z.object({ id: z.string() }) } },
        toolChoice: "auto",
        temperature: 0.2,
        providerOptions: { z: 1, a: { d: 1, c: 2 } },
        salt: "s",
      },
      resolveLLM,
      new IdentityCache(),
    );
    const identity = {
      v: 1,
      instructions: call.request.instructions,
      messages: call.request.messages,
      llm: { provider: "mock", model: "m" },
      schema: call.request.schema,
      tools: call.request.tools,
      options: { temperature: 0.2 },
      toolChoice: "auto",
      providerOptions: { z: 1, a: { d: 1, c: 2 } },
      salt: "s",
    };
    const expected = canonicalJson(identity).replace(JSON.stringify(long), `{"$doc":"${sha256(long)}"}`);
    expect(call.canonical.json).toBe(expected);
    expect(call.hash).toBe(sha256(expected));
    expect([...call.canonical.documents.values()]).toEqual([long]);
    expect(call.request.instructions).toBe("You classify.\n\nBe terse.");
  });

  it("hashes a lone prompt string as the message it becomes", () => {
    for (const prompt of ['Say "hi"\n', "z".repeat(3000)]) {
      const call = prepareCall(prompt, { llm: "m" }, resolveLLM, new IdentityCache());
      const asMessage = prepareCall(
        [{ role: "user", content: [{ type: "text", text: prompt }] }],
        { llm: "m" },
        resolveLLM,
        new IdentityCache(),
      );
      expect(call.canonical.json).toBe(asMessage.canonical.json);
      expect([...call.canonical.documents]).toEqual([...asMessage.canonical.documents]);
    }
  });

  it("leaves parts out of the hash with hashBy", () => {
    const withModel = (llm: string) =>
      prepareCall("hi", { llm, hashBy: ["documents"] }, resolveLLM, new IdentityCache()).hash;
    expect(withModel("a")).toBe(withModel("b"));
    expect(prepareCall("hi", { llm: "a" }, resolveLLM, new IdentityCache()).hash).not.toBe(
      prepareCall("hi", { llm: "b" }, resolveLLM, new IdentityCache()).hash,
    );
  });

  it("gives a retry of an invalid answer the identity object with retryInvalid, in key order", () => {
    const schema = z.object({ label: z.string() });
    const cases = [
      { llm: "m", schema, salt: "s", providerOptions: { a: 1 }, temperature: 0 },
      { llm: "m", schema, tools: { t: { parameters: z.object({}) } } },
      { llm: "m", schema, hashBy: ["schema" as const] },
      { llm: "m", schema, hashBy: ["options" as const], providerOptions: { z: [1] } },
    ];
    for (const options of cases) {
      const call = prepareCall("Label this.", options, resolveLLM, new IdentityCache());
      const identity = JSON.parse(call.canonical.json) as Record<string, unknown>;
      for (const attempt of [1, 2]) {
        const retry = retryCall(call, attempt);
        expect(retry.canonical.json).toBe(canonicalJson({ ...identity, retryInvalid: attempt }));
        expect(retry.hash).toBe(sha256(retry.canonical.json));
        expect(retry.request).toBe(call.request);
      }
      expect(retryCall(call, 1).hash).not.toBe(call.hash);
    }
  });

  it("layers options: later ones win, instructions join, and an option given as undefined is not set", () => {
    const run = { temperature: 0.2, rewriteCache: true, instructions: "Be brief." };
    expect(mergeCallOptions(run, { temperature: undefined, rewriteCache: false, instructions: "Use French." })).toEqual(
      {
        temperature: 0.2,
        rewriteCache: false,
        instructions: "Be brief.\n\nUse French.",
      },
    );
  });
});

describe("mergeCallOptions", () => {
  it("takes an option given as undefined as not given: the outer value stays", () => {
    const base = { llm: "m", temperature: 0.5, instructions: "Be terse." };
    expect(mergeCallOptions(base, { llm: undefined, temperature: undefined, instructions: undefined })).toEqual(base);
    expect(mergeCallOptions(base, { temperature: 0, instructions: "Answer in French." })).toEqual({
      llm: "m",
      temperature: 0,
      instructions: "Be terse.\n\nAnswer in French.",
    });
  });
});
