import { describe, expect, it } from "vitest";
import { formatAge, formatDuration, formatTimestamp } from "./format-time.js";

describe("time formats", () => {
  it("durations from milliseconds to days", () => {
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(4200)).toBe("4.2 s");
    expect(formatDuration(185_000)).toBe("3 min 5 s");
    expect(formatDuration(7_800_000)).toBe("2 h 10 min");
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe("3 d 4 h");
  });

  it("ages relative to now", () => {
    const now = 1_000_000_000_000;
    expect(formatAge(now, now)).toBe("just now");
    expect(formatAge(now - 12_000, now)).toBe("12 s ago");
    expect(formatAge(now - 180_000, now)).toBe("3 min ago");
    expect(formatAge(now - 2 * 3_600_000, now)).toBe("2 h ago");
    expect(formatAge(now - 5 * 86_400_000, now)).toBe("5 d ago");
  });

  it("timestamps in UTC to the second", () => {
    expect(formatTimestamp(Date.UTC(2026, 11, 4, 19, 46, 3, 500))).toBe("2026-12-04 19:46:03");
  });
});
