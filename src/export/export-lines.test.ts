import { describe, expect, it } from "vitest";
import { csvField, csvHeader, csvLine, jsonlLine } from "./export-lines.js";
import { type ExportRow, exportColumnNames } from "./export-row.js";

const row: ExportRow = {
  id: 7,
  agent: "judge, the first",
  hash: "abc",
  occurrence: 0,
  session: 2,
  status: "answered",
  provider: "openai",
  model: "gpt-4.1-mini",
  instructions: "",
  prompt: 'Say "hi"\nthen stop.',
  text: "hi",
  value: { said: 'hi, "you"' },
  embedding: undefined,
  toolCalls: [],
  finishReason: "stop",
  inputTokens: 12,
  outputTokens: 3,
  cachedTokens: undefined,
  cost: 0.0000123,
  viaBatch: false,
  latencyMs: 250,
  batch: undefined,
  providerBatchId: undefined,
  failures: 0,
  error: undefined,
  sentAt: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
  receivedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 256),
};

describe("csvField", () => {
  it.each([
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["carriage\rreturn", '"carriage\rreturn"'],
    ['"', '""""'],
    ["", '""'],
    [" spaced ", " spaced "],
  ])("writes %j as %j", (text, field) => {
    expect(csvField(text)).toBe(field);
  });
});

describe("csvLine", () => {
  it("writes every column in order, an empty field for no value, JSON as text, times in ISO 8601", () => {
    expect(csvHeader()).toBe(`${exportColumnNames.join(",")}\r\n`);
    expect(csvLine(row)).toBe(
      '7,"judge, the first",abc,0,2,answered,openai,gpt-4.1-mini,"","Say ""hi""\nthen stop.",hi,' +
        '"{""said"":""hi, \\""you\\""""}",,[],stop,12,3,,0.0000123,false,250,,,0,,' +
        "2026-01-02T03:04:05.006Z,2026-01-02T03:04:05.256Z\r\n",
    );
  });
});

describe("jsonlLine", () => {
  it("writes every column, null for no value, nested JSON, times in ISO 8601, on one line", () => {
    const line = jsonlLine(row);
    expect(line.endsWith("\n") && !line.slice(0, -1).includes("\n")).toBe(true);
    const parsed = JSON.parse(line);
    expect(Object.keys(parsed)).toEqual(exportColumnNames);
    expect(parsed).toMatchObject({
      agent: "judge, the first",
      value: { said: 'hi, "you"' },
      cachedTokens: null,
      batch: null,
      sentAt: "2026-01-02T03:04:05.006Z",
    });
  });
});
