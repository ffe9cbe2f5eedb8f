import { expect, it } from "vitest";
import { lazyModule, sharedClient } from "./lazy-module.js";

it("imports a module once, on the first load, and reports it loaded only then", async () => {
  let imports = 0;
  const module = lazyModule(async () => ({ imported: ++imports }));
  expect(module.loaded).toBeUndefined();
  const [first, second] = await Promise.all([module.load(), module.load()]);
  expect(await module.load()).toBe(first);
  expect(second).toBe(first);
  expect(module.loaded).toBe(first);
  expect(imports).toBe(1);
});

it("shares one client, and does not keep a failed attempt (a missing key is reported on every call)", async () => {
  let attempts = 0;
  const client = sharedClient(async () => {
    attempts++;
    if (attempts === 1) throw new Error("missing key");
    return { id: attempts };
  });
  await expect(client()).rejects.toThrow("missing key");
  const [a, b] = await Promise.all([client(), client()]);
  expect(a).toEqual({ id: 2 });
  expect(b).toBe(a);
  expect(attempts).toBe(2);
});
