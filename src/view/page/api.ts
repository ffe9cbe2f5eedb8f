/**
 * Reading the viewer's API: `useApi(path, query)` fetches JSON, refetches when the
 * workspace changes (live) or the request does, and keeps showing the last answer
 * while a refetch runs, so a live update never blanks the page.
 */
import { useEffect, useState } from "preact/hooks";
import { useLiveChanges } from "./live.js";
import { hrefOf } from "./router.js";

export type Loaded<T> =
  | { readonly state: "loading" }
  | { readonly state: "failed"; readonly message: string }
  | { readonly state: "ready"; readonly value: T };

/** What the API answered for `path` with `query`, kept up to date while the workspace changes. */
export function useApi<T>(path: string, query: Readonly<Record<string, string | number | undefined>> = {}): Loaded<T> {
  const href = hrefOf(`/api${path}`, query);
  const changes = useLiveChanges();
  const [loaded, setLoaded] = useState<{ href: string; result: Loaded<T> }>({ href, result: { state: "loading" } });
  useEffect(() => {
    let current = true;
    fetchJson<T>(href).then(
      (value) => current && setLoaded({ href, result: { state: "ready", value } }),
      (error: Error) => current && setLoaded({ href, result: { state: "failed", message: error.message } }),
    );
    return () => {
      current = false;
    };
  }, [href, changes]);
  return loaded.href === href ? loaded.result : { state: "loading" };
}

/** The JSON at `href`; an answer that is not 200 rejects with the API's message. */
export async function fetchJson<T>(href: string): Promise<T> {
  const response = await fetch(href, { headers: { accept: "application/json" } });
  const body = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}
