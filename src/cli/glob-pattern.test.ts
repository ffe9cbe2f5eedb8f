import Database from "better-sqlite3";
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
  });

  it("sets as SQLite's GLOB reads them, so retry and the read-only view agree", () => {
    expect(["judge-1", "judge-2"].map(globMatcher("judge-[12]"))).toEqual([true, true]);
    expect(["judge-3", "judge-12"].map(globMatcher("judge-[12]"))).toEqual([false, false]);
    expect(["a", "m", "z", "A"].map(globMatcher("[a-m]"))).toEqual([true, true, false, false]);
    expect(["x", "y"].map(globMatcher("[^x]"))).toEqual([false, true]);
    expect(["]", "a"].map(globMatcher("[]a]"))).toEqual([true, true]);
    expect(globMatcher("a[b")("a[b")).toBe(true);
    expect(globMatcher("Judge-*")("judge-1")).toBe(false);
  });

  it("agrees with SQLite's GLOB on every pattern and name here", () => {
    const db = new Database(":memory:");
    const glob = db.prepare("SELECT ? GLOB ? AS matched").pluck();
    const patterns = ["judge-*", "round-?", "judge-[12]", "[a-m]", "[^x]", "[]a]", "a.b+(c)", "J*", "*-[0-9]"];
    const names = ["judge-1", "judge-12", "round-1", "round-12", "a", "m", "x", "]", "a.b+(c)", "Judge-9", "z-0"];
    for (const pattern of patterns) {
      for (const name of names)
        expect([pattern, name, globMatcher(pattern)(name)]).toEqual([pattern, name, glob.get(name, pattern) === 1]);
    }
    db.close();
  });
});
