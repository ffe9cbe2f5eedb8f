import { describe, expect, it } from "vitest";
import { alignColumns, formatAge, formatBytes, formatCount } from "./human-format.js";

describe("human formats", () => {
  it("counts, sizes and ages", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
    expect([0, 812, 1024, 12_595, 4 * 1024 ** 2].map(formatBytes)).toEqual([
      "0 B",
      "812 B",
      "1.0 KB",
      "12.3 KB",
      "4.0 MB",
    ]);
    const now = 1_000_000_000;
    expect([0, 42, 180, 5 * 3600, 86_400, 3 * 86_400].map((seconds) => formatAge(now - seconds * 1000, now))).toEqual([
      "just now",
      "42 s ago",
      "3 min ago",
      "5 h ago",
      "1 day ago",
      "3 days ago",
    ]);
  });

  it("aligns columns, numbers to the right", () => {
    expect(
      alignColumns(
        [
          ["id", "state", "open"],
          ["7", "pending", "1,200"],
          ["12", "ingested", "0"],
        ],
        new Set([0, 2]),
      ),
    ).toEqual(["id  state      open", " 7  pending   1,200", "12  ingested      0"]);
  });
});
