import { describe, expect, it } from "vitest";
import { globMatcher } from "./glob-pattern.js";

describe("globMatcher", () => {
  it("* is any run of characters, ? one character, and everything else itself", () => {
    const judges = globMatcher("judge-*");
    expect(["judge-1", "judge-", "judge-2/a"].every(judges)).toBe(true);
    expect(judges("a-judge-1")).toBe(false);
    expect(globMatcher("round-?")("round-12")).toBe(false);
    expect(globMatcher("round-?")("round-1")).toBe(true);
    // Regular-expression characters in a name match only themselves.
    expect(globMatcher("a.b+(c)")("a.b+(c)")).toBe(true);
    expect(globMatcher("a.b")("axb")).toBe(false);
    expect(globMatcher("[x]")("x")).toBe(false);
  });
});
