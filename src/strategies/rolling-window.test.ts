import { describe, expect, it } from "vitest";
import { RollingWindow } from "./rolling-window.js";

describe("RollingWindow", () => {
  it("lets weight in up to the limit, then says when the earliest entries leave", () => {
    const window = new RollingWindow(3, 1000, 500);
    const entries = [0, 100, 200].map((at) => {
      expect(window.waitMs(1, at)).toBe(0);
      return window.add(1, at);
    });
    expect(window.used(200)).toBe(3);
    // In flight, an entry counts until `perMs` after `arrivalMs`: 0 + 500 + 1000.
    expect(window.waitMs(1, 300)).toBe(1200);
    // Answered at 250, the first leaves at 1250; the others, still in flight, at 1600 and 1700.
    window.settle(entries[0], 250);
    expect(window.waitMs(1, 300)).toBe(950);
    expect(window.waitMs(2, 300)).toBe(1300);
    expect(window.used(1250)).toBe(2);
    expect(window.used(1700)).toBe(0);
  });

  it("is rolling: no burst of twice the limit across a boundary", () => {
    const window = new RollingWindow(2, 1000, 1000);
    window.settle(window.add(1, 900), 900);
    window.settle(window.add(1, 950), 950);
    // A fixed window would reset at 1000; this one waits until 1900.
    expect(window.waitMs(1, 1000)).toBe(900);
  });

  it("keeps its entries ordered by when they leave, whatever order they settle in", () => {
    const window = new RollingWindow(3, 1000, 1000);
    const slow = window.add(1, 0);
    const fast = window.add(1, 10);
    window.add(1, 20);
    window.settle(fast, 30); // leaves at 1030, before `slow` (in flight: 2000)
    expect(window.waitMs(1, 100)).toBe(930);
    window.settle(slow, 40); // now leaves at 1040
    expect(window.waitMs(2, 100)).toBe(940);
    expect(window.used(1035)).toBe(2);
  });

  it("weighs tokens, and replaces an estimate by the reported count", () => {
    const window = new RollingWindow(1000, 60_000, 1000);
    const first = window.add(600, 0);
    expect(window.waitMs(500, 10)).toBe(60_990);
    window.settle(first, 10, 200);
    expect(window.used(10)).toBe(200);
    expect(window.waitMs(500, 10)).toBe(0);
    const second = window.add(500, 20);
    // A report above the estimate fills the window again.
    window.settle(second, 30, 900);
    expect(window.waitMs(1, 40)).toBe(60_000 + 10 - 40);
  });

  it("ignores a settlement that comes after the entry left the window", () => {
    const window = new RollingWindow(10, 100, 50);
    const entry = window.add(5, 0);
    expect(window.used(150)).toBe(0);
    window.settle(entry, 160, 8);
    expect(window.used(160)).toBe(0);
  });

  it("lets a weight above the limit go once the window is empty, instead of never", () => {
    const window = new RollingWindow(100, 1000, 0);
    expect(window.waitMs(500, 0)).toBe(0);
    window.add(500, 0);
    window.add(10, 300);
    expect(window.waitMs(500, 400)).toBe(900); // both must leave: the last at 1300
  });
});
