/** Small pieces every view uses: loading states, links to calls and agents, status badges, JSON blocks. */
import type { ComponentChildren } from "preact";
import type { CallKey } from "../../store/store.js";
import type { CallStatus } from "../../store/workspace-reader.js";
import type { Loaded } from "./api.js";
import { hrefOf } from "./router.js";

/** Renders `children(value)` once `loaded` is ready; a line while loading or failed. */
export function Show<T>(props: { loaded: Loaded<T>; children: (value: T) => ComponentChildren }) {
  const { loaded } = props;
  if (loaded.state === "loading") return <p class="quiet">Loading…</p>;
  if (loaded.state === "failed") return <p class="error">{loaded.message}</p>;
  return <>{props.children(loaded.value)}</>;
}

/** The page of one call. */
export function callHref(call: CallKey): string {
  return hrefOf("/call", { agent: call.agent, hash: call.hash, occurrence: call.occurrence });
}

/** A link to an agent's asks. */
export function AgentLink(props: { agent: string }) {
  return <a href={hrefOf("/agent", { name: props.agent })}>{props.agent}</a>;
}

/** Where a call stands, as a coloured word. */
export function StatusBadge(props: { status: CallStatus | string }) {
  return <span class={`badge badge-${props.status}`}>{props.status}</span>;
}

/** A titled part of a page. */
export function Section(props: { title: ComponentChildren; children: ComponentChildren; id?: string }) {
  return (
    <section id={props.id}>
      <h2>{props.title}</h2>
      {props.children}
    </section>
  );
}

/** `value` as indented JSON, as text. */
export function JsonBlock(props: { value: unknown }) {
  return <pre class="json">{JSON.stringify(props.value, null, 2)}</pre>;
}

/** Text as stored (whitespace kept), as text. */
export function TextBlock(props: { text: string }) {
  return <pre class="text">{props.text}</pre>;
}
