import { describe, expect, it } from "vitest";
import { closestName } from "./closest-name.js";

describe("closestName", () => {
  const options = ["strategy", "maxConcurrency", "temperature", "maxTokens", "topP", "retry", "rpm", "tpm"];

  it.each([
    ["stratgy", "strategy"],
    ["maxConcurency", "maxConcurrency"],
    ["temprature", "temperature"],
    ["max_tokens", "maxTokens"],
    ["MAXTOKENS", "maxTokens"],
    ["rmp", "rpm"],
    ["retr", "retry"],
    ["topp", "topP"],
  ])("guesses %s → %s", (name, expected) => {
    expect(closestName(name, options)).toBe(expected);
  });

  it.each(["colour", "x", "verbose", "concurrency"])("does not guess for %s", (name) => {
    expect(closestName(name, options)).toBeUndefined();
  });

  it("prefers a name it starts with", () => {
    expect(closestName("grace", ["graceMs"])).toBe("graceMs");
    expect(closestName("latency", ["name", "latencyMs", "script"])).toBe("latencyMs");
  });
});
