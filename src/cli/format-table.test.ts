import { describe, expect, it } from "vitest";
import { formatTable, moreLines, oneLine } from "./format-table.js";

describe("formatTable", () => {
  it("pads every column to its widest cell, numbers to the right, no trailing spaces", () => {
    expect(
      formatTable(
        [
          ["agent", "calls", "model"],
          ["judge-1", "1,234", "gpt"],
          ["x", "5", ""],
        ],
        ["left", "right"],
      ),
    ).toEqual(["agent    calls  model", "judge-1  1,234  gpt", "x            5"]);
  });

  it("does not count colour escapes as width", () => {
    expect(
      formatTable([
        ["\u001b[31mred\u001b[39m", "a"],
        ["green", "b"],
      ]),
    ).toEqual(["\u001b[31mred\u001b[39m    a", "green  b"]);
  });
});

describe("moreLines and oneLine", () => {
  it("say how many rows were left out, and nothing when none were", () => {
    expect(moreLines(1234, "agents")).toEqual(["… and 1,234 agents"]);
    expect(moreLines(0)).toEqual([]);
  });

  it("flattens whitespace and cuts with an ellipsis", () => {
    expect(oneLine("Hello,\n  world", 20)).toBe("Hello, world");
    expect(oneLine("abcdefghij", 5)).toBe("abcd…");
  });
});
