import { describe, expect, it } from "vitest";
import { formatBytes, formatCount, formatMoney, formatPercent } from "./format-number.js";

describe("number formats", () => {
  it("counts with thousands separators", () => {
    expect(formatCount(1_234_567)).toBe("1,234,567");
    expect(formatCount(0)).toBe("0");
  });

  it("money: four decimals below a dollar, cents above, and no made-up zero for an unknown price", () => {
    expect(formatMoney(0.0123)).toBe("$0.0123");
    expect(formatMoney(0)).toBe("$0.0000");
    expect(formatMoney(0.0000492)).toBe("$0.000049");
    expect(formatMoney(0.00000001)).toBe("$0.000000010");
    expect(formatMoney(1234.5)).toBe("$1,234.50");
    expect(formatMoney(undefined)).toBe("no price");
  });

  it("bytes in powers of 1,024", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(12 * 1024 * 1024)).toBe("12.0 MB");
  });

  it("percentages round down, so 99.9% never shows as done", () => {
    expect(formatPercent(999, 1000)).toBe("99%");
    expect(formatPercent(0, 0)).toBe("0%");
  });
});
