import { expect, it } from "vitest";
import type { BatchResultLine } from "../providers/provider.js";
import { ResultLines } from "./result-lines.js";

const expired = (customId: string): BatchResultLine => ({
  raw: JSON.stringify({ custom_id: customId, result: { type: "expired" } }),
  outcome: { customId, status: "expired" },
});
const cancelled = (customId: string): BatchResultLine => ({
  raw: JSON.stringify({ custom_id: customId, result: { type: "canceled" } }),
  outcome: { customId, status: "cancelled" },
});

/** ResultLines over an in-memory archive. */
function resultLines() {
  const archived: string[] = [];
  const lines = new ResultLines("b1", (offset) => archived[offset]);
  const accept = (chunk: BatchResultLine[]) =>
    lines.accept(
      chunk,
      chunk.map((line) => archived.push(line.raw) - 1),
    );
  return { lines, accept };
}

it("keeps an exact repeat once, and leaves out every result of a custom id whose results disagree", () => {
  const { lines, accept } = resultLines();
  const kept = accept([
    expired("twice"),
    expired("twice"),
    cancelled("clash"),
    expired("clash"),
    cancelled("clash"),
    cancelled("fine"),
    { raw: "{", outcome: { warning: "line 7: not valid JSON; skipped." } },
  ]);

  expect([...kept.keys()]).toEqual(["twice", "fine"]);
  // Each kept outcome comes with its line as received (stored as the answer's raw response).
  expect(kept.get("fine")).toEqual(cancelled("fine"));
  expect(lines.withdrawn).toEqual([]);
  expect(lines.warnings).toEqual([
    'b1: a repeated result for custom id "twice" was kept once.',
    'b1: custom id "clash" has two different results; all its results are left out.',
    'b1: custom id "clash" appears again; all its results are left out.',
    "b1: line 7: not valid JSON; skipped.",
  ]);
});

it("withdraws a result passed on in an earlier chunk when a later chunk contradicts it", () => {
  const { lines, accept } = resultLines();
  expect([...accept([expired("a"), expired("b")]).keys()]).toEqual(["a", "b"]);
  expect([...accept([cancelled("a"), expired("b"), expired("c")]).keys()]).toEqual(["c"]);
  expect(lines.withdrawn).toEqual(["a"]);
  expect(lines.warnings).toHaveLength(2);
});
