/**
 * Live updates: one `EventSource` on `/api/events`, which says when the workspace
 * changed. Views that read the API count the changes and refetch on each.
 */
import { useEffect, useState } from "preact/hooks";

const listeners = new Set<() => void>();
let source: EventSource | undefined;
let changes = 0;

function connect(): void {
  source ??= new EventSource("/api/events");
  source.addEventListener("change", () => {
    changes++;
    for (const listener of listeners) listener();
  });
}

/** How many changes the page has heard of; a view that depends on it refetches on each. */
export function useLiveChanges(): number {
  const [seen, setSeen] = useState(changes);
  useEffect(() => {
    connect();
    const update = () => setSeen(changes);
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, []);
  return seen;
}
