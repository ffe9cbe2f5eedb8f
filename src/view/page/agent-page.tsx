/** An agent's asks in the order it asked them (in the latest session that asked each), each linking to its call. */
import type { CallRow } from "../../store/workspace-reader.js";
import { exactAgentGlob } from "../exact-agent-glob.js";
import { useApi } from "./api.js";
import { formatCount, oneLine } from "./format.js";
import { callHref, Section, Show, StatusBadge } from "./parts.js";
import { hrefOf, type Route } from "./router.js";

interface AgentAnswer {
  readonly agent: string;
  readonly asks: readonly CallRow[];
  /** More asks than listed. */
  readonly more: boolean;
}

export function AgentPage(props: { route: Route }) {
  const name = props.route.query.get("name") ?? "";
  const loaded = useApi<AgentAnswer>("/agent", { name });
  return (
    <Show loaded={loaded}>
      {({ agent, asks, more }) => (
        <>
          <h1>Agent {agent}</h1>
          <p>
            <a href={hrefOf("/calls", { agent: exactAgentGlob(agent) })}>Its calls in the calls table</a>
          </p>
          <Section title={`Asks ${formatCount(asks.length)}${more ? " (the first ones)" : ""}`}>
            <ol class="asks">
              {asks.map((ask) => (
                <li key={`${ask.hash}/${ask.occurrence}`}>
                  <span class="quiet">#{ask.seq ?? "–"}</span> <a href={callHref(ask)}>{ask.hash.slice(0, 10)}</a>{" "}
                  <StatusBadge status={ask.status} /> {ask.provider ?? "–"} / {ask.model ?? "–"}
                  <div class="answer">{oneLine(ask.text, 200)}</div>
                </li>
              ))}
            </ol>
          </Section>
        </>
      )}
    </Show>
  );
}
