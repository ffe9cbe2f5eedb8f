/**
 * The store a user passes to `Parallellm.run(..., { untilDone })`: every run
 * opens a workspace on it, and closing a workspace closes its store, so the
 * runs get a view of it whose `close` does nothing, and the loop closes the
 * store itself once, after the last run.
 */
import type { Store } from "../store/store.js";

/** `store` with a `close` that leaves it open; its methods bound to it once, not at each call. */
export function keepStoreOpen(store: Store): Store {
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property) {
      if (property === "close") return _closeNothing;
      if (bound.has(property)) return bound.get(property);
      const value: unknown = Reflect.get(target, property);
      const result = typeof value === "function" ? value.bind(target) : value;
      if (typeof value === "function") bound.set(property, result);
      return result;
    },
  });
}

// --- internal ---

async function _closeNothing(): Promise<void> {}
