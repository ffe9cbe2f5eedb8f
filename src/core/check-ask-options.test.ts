import { describe, expect, it } from "vitest";
import { checkAskOptions } from "./check-ask-options.js";
import { InputError } from "./errors.js";
import type { AskOptions } from "./prepare-call.js";

const check = (options: Record<string, unknown>) => () => checkAskOptions(options as AskOptions);

describe("checkAskOptions", () => {
  it("accepts well-typed options and absent ones", () => {
    expect(check({})).not.toThrow();
    expect(
      check({
        llm: "mock-1",
        instructions: "Be brief.",
        temperature: 0,
        maxTokens: 1,
        seed: -3,
        stop: ["\n"],
        hashBy: ["documents"],
        schema: { type: "object" },
        tools: [],
        toolChoice: { name: "search" },
        ignoreCache: false,
      }),
    ).not.toThrow();
  });

  it("names the option, what it must be and what it got", () => {
    expect(check({ hashBy: 0 })).toThrow(
      new InputError(
        'Expected `hashBy` to be an array of "instructions", "documents", "llm", "schema", "tools", "options", got `0` (number).',
      ),
    );
    expect(check({ maxTokens: 0 })).toThrow("Expected `maxTokens` to be a whole number from 1 up, got `0` (number).");
    expect(check({ temperature: Number.NaN })).toThrow(
      "Expected `temperature` to be a finite number, got `NaN` (number).",
    );
    expect(check({ stop: "END" })).toThrow('Expected `stop` to be an array of strings, got "END" (string).');
    expect(check({ schema: null })).toThrow(
      "Expected `schema` to be a zod schema or a JSON Schema object, got `null`.",
    );
    expect(check({ toolChoice: "any" })).toThrow(/Expected `toolChoice` to be "auto", "required", "none" or \{ name/);
    expect(check({ salt: { a: 1 } })).toThrow("Expected `salt` to be a string, got an object.");
  });
});
