import { describe, expect, it } from "vitest";
import { sampleRegex } from "./sample-regex.js";

describe("sampleRegex", () => {
  const patterns = [
    "^[A-Z]{3}-\\d{2}$",
    "^(?:red|green|blue)$",
    "^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$",
    "^(?!admin)[a-z]{3,8}$",
    "^\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])$",
    "^[^\\s@]+$",
    "ab?c*d+",
  ];
  it.each(patterns)("matches %s, whatever the choices", (pattern) => {
    for (let seed = 0; seed < 20; seed++) {
      const text = sampleRegex(pattern, (count, attempt) => (seed * 7 + attempt * 3 + count) % count);
      expect(text).toMatch(new RegExp(pattern, "u"));
    }
  });

  it("gives up on backreferences and word boundaries", () => {
    expect(sampleRegex("^(a)\\1$", () => 0)).toBeUndefined();
    expect(sampleRegex("\\bword\\b", () => 0)).toBeUndefined();
  });
});
