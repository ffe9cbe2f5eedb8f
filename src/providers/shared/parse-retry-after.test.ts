import { describe, expect, it } from "vitest";
import { parseRetryAfterMs } from "./parse-retry-after.js";

describe("parseRetryAfterMs", () => {
  const now = Date.parse("2026-11-25T12:00:00Z");

  it("prefers retry-after-ms", () => {
    expect(parseRetryAfterMs(new Headers({ "retry-after-ms": "1574", "retry-after": "9" }), now)).toBe(1574);
  });

  it("reads retry-after in seconds, fractions included", () => {
    expect(parseRetryAfterMs(new Headers({ "retry-after": "20" }), now)).toBe(20_000);
    expect(parseRetryAfterMs(new Headers({ "retry-after": "1.5" }), now)).toBe(1500);
  });

  it("reads retry-after as an HTTP date, never negative", () => {
    expect(parseRetryAfterMs(new Headers({ "retry-after": "Wed, 25 Nov 2026 12:00:30 GMT" }), now)).toBe(30_000);
    expect(parseRetryAfterMs(new Headers({ "retry-after": "Wed, 25 Nov 2026 11:00:00 GMT" }), now)).toBe(0);
  });

  it("is undefined when absent or unreadable", () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs(new Headers(), now)).toBeUndefined();
    expect(parseRetryAfterMs(new Headers({ "retry-after": "soon" }), now)).toBeUndefined();
    expect(parseRetryAfterMs(new Headers({ "retry-after-ms": "-5" }), now)).toBeUndefined();
  });
});
