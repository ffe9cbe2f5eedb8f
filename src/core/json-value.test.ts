import { describe, expect, it } from "vitest";
import { InputError } from "./errors.js";
import { checkJsonValue } from "./json-value.js";

const check = (value: unknown) => () => checkJsonValue(value, "documents[1]");

describe("checkJsonValue", () => {
  it("accepts what JSON carries as it is: plain data, Dates, undefined members, null-prototype objects", () => {
    expect(check({ a: [1, "two", null, true, { b: 2.5 }], when: new Date(0), gone: undefined })).not.toThrow();
    expect(check(Object.assign(Object.create(null), { a: 1 }))).not.toThrow();
    const shared = { x: 1 };
    expect(check({ first: shared, second: shared })).not.toThrow();
    expect(check(undefined)).not.toThrow();
  });

  it("names the path to the first value JSON would change, and what to do", () => {
    expect(check({ items: [1, 2, 3, new Map()] })).toThrow(
      new InputError(
        "documents[1].items[3]: a Map cannot be sent as JSON; convert it (Object.fromEntries(map)) or pass an array.",
      ),
    );
    expect(check({ "odd key": [new Set()] })).toThrow(/^documents\[1\]\["odd key"\]\[0\]: a Set/);
    // biome-ignore lint/suspicious/noSparseArray: a hole is what this checks
    expect(check([1, , 3])).toThrow("documents[1][1]: undefined in an array would be sent as null");
    expect(check(-Infinity)).toThrow("documents[1]: -Infinity cannot be sent as JSON");
    expect(check({ error: new Error("x") })).toThrow("documents[1].error: an instance of Error cannot be sent as JSON");
  });

  it("refuses a cycle instead of looping", () => {
    const list: unknown[] = [];
    list.push({ list });
    expect(check(list)).toThrow("documents[1][0].list: this object contains itself (a cycle)");
  });
});
