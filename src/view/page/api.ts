/**
 * Reading the viewer's API: `useApi(path, query)` fetches JSON, refetches when the
 * workspace changes (live) or the request does, and keeps showing the last answer
 * while a refetch runs, so a live update never blanks the page. Changes heard while
 * a fetch runs are answered by one more fetch when it ends, not one each: the server
 * computes one overview of a large workspace at a time per page, however fast a
 * pipeline writes.
 */
import { useEffect, useRef, useState } from "preact/hooks";
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
  const running = useRef<{ href: string; again: boolean } | undefined>(undefined);
  useEffect(() => {
    if (running.current?.href === href) {
      running.current.again = true;
      return;
    }
    const current = { href, again: false };
    running.current = current;
    const load = (): void => {
      fetchJson<T>(href).then(
        (value) => finish({ state: "ready", value }),
        (error: Error) => finish({ state: "failed", message: error.message }),
      );
    };
    const finish = (result: Loaded<T>): void => {
      if (running.current !== current) return;
      setLoaded({ href, result });
      if (current.again) {
        current.again = false;
        load();
      } else running.current = undefined;
    };
    load();
  }, [href, changes]);
  useEffect(
    () => () => {
      running.current = undefined;
    },
    [],
  );
  return loaded.href === href ? loaded.result : { state: "loading" };
}

/** The JSON at `href`; an answer that is not 200 rejects with the API's message. */
export async function fetchJson<T>(href: string): Promise<T> {
  const response = await fetch(href, { headers: { accept: "application/json" } });
  const body = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}
