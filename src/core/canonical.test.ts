import { describe, expect, it } from "vitest";
import { canonicalForm, canonicalJson, sha256 } from "./canonical.js";
import { InputError } from "./errors.js";

describe("canonicalJson", () => {
  it("sorts keys at every level so insertion order does not matter", () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 3 } })).toBe(
      canonicalJson({ a: { c: 3, d: [{ y: 2, z: 1 }] }, b: 1 }),
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it("drops undefined members and keeps array order", () => {
    expect(canonicalJson({ a: undefined, b: [2, 1] })).toBe('{"b":[2,1]}');
  });

  it("refuses what JSON would send as something else, so two different values never hash the same", () => {
    // Each of these used to be written like the value beside it: {}, {}, "1", null, null, dropped.
    for (const value of [new Map([["a", 1]]), new Set([1]), 1n, Number.NaN, Number.POSITIVE_INFINITY, () => 1]) {
      expect(() => canonicalJson({ value })).toThrow(InputError);
    }
    expect(() => canonicalJson([1, undefined])).toThrow(/undefined in an array/);
    expect(() => canonicalJson({ at: new (class Point {})() })).toThrow(/an instance of Point/);
  });

  it("writes a Date as the ISO text that is sent for it", () => {
    const when = new Date("2024-05-01T12:00:00.000Z");
    expect(canonicalJson({ when })).toBe(JSON.stringify({ when }));
  });

  it("hashes to 43 base64url characters", () => {
    const digest = sha256("hello");
    expect(digest).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sha256("hello")).toBe(digest);
    expect(sha256("hello!")).not.toBe(digest);
  });
});

describe("canonicalForm", () => {
  it("replaces long strings by a content reference and keeps the text aside", () => {
    const long = "x".repeat(5000);
    const form = canonicalForm({ messages: [{ text: long }, { text: long }], short: "y" });
    expect(form.json).toBe(
      `{"messages":[{"text":{"$doc":"${sha256(long)}"}},{"text":{"$doc":"${sha256(long)}"}}],"short":"y"}`,
    );
    expect([...form.documents.values()]).toEqual([long]);
  });
});
