import { describe, expect, it } from "vitest";
import { createRunLog, formatLogLine } from "./run-log.js";

describe("formatLogLine", () => {
  it("writes time, level, message, then each field that has a value, quoting values with spaces, quotes or =", () => {
    const line = formatLogLine(
      "WARN",
      { agent: "judge 2", call: "abc#0", attempt: 1, model: undefined, error: 'said "no"', note: "a=b" },
      "retrying",
      new Date(0),
    );
    expect(line).toBe(
      '1970-01-01T00:00:00.000Z WARN  retrying agent="judge 2" call=abc#0 attempt=1 error="said \\"no\\"" note="a=b"',
    );
  });
});

describe("createRunLog", () => {
  it("writes a line per record at or above the level, and builds none below it", () => {
    const lines: string[] = [];
    const log = createRunLog("info", undefined, (line) => lines.push(line));
    log.debug({ agent: "a" }, "send");
    log.info({ session: 1 }, "session opened");
    log.error({}, "refused");
    expect(lines).toEqual([
      expect.stringMatching(/^\S+Z INFO {2}session opened session=1$/),
      expect.stringMatching(/^\S+Z ERROR refused$/),
    ]);
  });
});
