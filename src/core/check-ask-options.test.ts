import { describe, expect, it } from "vitest";
import type { AskOptions } from "./call-options.js";
import { checkAskOptions } from "./check-ask-options.js";
import { InputError } from "./errors.js";

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

  it("refuses an unknown key with the option most likely meant, or where it belongs", () => {
    expect(check({ temprature: 0 })).toThrow("Unknown option `temprature` in ask options; did you mean `temperature`?");
    expect(check({ branch: "main" })).toThrow(
      "`branch` cannot be set in ask options: it is an option of agent.conversation(name, options).",
    );
    expect(check({ verbose: true })).toThrow(/Unknown option `verbose` in ask options\. Known options: llm, /);
  });

  it("refuses retryInvalid on an ask without a schema", () => {
    expect(check({ retryInvalid: 2 })).toThrow(/this ask has none; pass a schema or leave retryInvalid out/);
    expect(check({ retryInvalid: 2, schema: { type: "object" } })).not.toThrow();
  });

  it("checks an options object once, however many asks share it", () => {
    let enumerations = 0;
    const shared = new Proxy(
      { temperature: 0 },
      {
        ownKeys(target) {
          enumerations++;
          return Reflect.ownKeys(target);
        },
      },
    );
    for (let ask = 0; ask < 5; ask++) checkAskOptions(shared);
    expect(enumerations).toBe(1);
  });
});
