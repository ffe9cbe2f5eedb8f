/**
 * Client-side routing on the history API: every view is a URL (its filters in the
 * query), so links can be shared and the back button works. Links are ordinary
 * `<a href>`s; a plain left click on one is turned into a `pushState`.
 */
import { useEffect, useState } from "preact/hooks";

/** Where the page is: its path and its query. */
export interface Route {
  readonly path: string;
  readonly query: URLSearchParams;
}

const listeners = new Set<() => void>();

/** Goes to `href` (a path with its query) without a reload, as a new history entry. */
export function navigate(href: string): void {
  history.pushState(null, "", href);
  for (const listener of listeners) listener();
  scrollTo(0, 0);
}

/** The current route; re-renders on navigation and on back and forward. */
export function useRoute(): Route {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const update = () => setVersion((version) => version + 1);
    listeners.add(update);
    addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      removeEventListener("popstate", update);
    };
  }, []);
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

/** A path with the query `parameters` (empty values left out). */
export function hrefOf(path: string, parameters: Readonly<Record<string, string | number | undefined>> = {}): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== "") query.set(name, String(value));
  }
  const text = query.toString();
  return text === "" ? path : `${path}?${text}`;
}

/** Handles clicks on same-origin links anywhere in the page (installed once). */
export function interceptLinks(): void {
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const link = (event.target as Element | null)?.closest("a");
    if (!link || link.target || link.origin !== location.origin || link.hasAttribute("download")) return;
    if (link.pathname.startsWith("/api/")) return;
    event.preventDefault();
    navigate(link.pathname + link.search);
  });
}
