/**
 * The calls table: filtered by agent (a glob), provider, model, status, session and
 * text, paged on the server. The filters and the page live in the URL, so a filtered
 * table can be shared and the back button returns to the page before.
 */
import type { CallPage } from "../../store/workspace-reader.js";
import { useApi } from "./api.js";
import { formatCount, oneLine } from "./format.js";
import { AgentLink, callHref, Show, StatusBadge } from "./parts.js";
import { hrefOf, navigate, type Route } from "./router.js";

const filters = ["agent", "provider", "model", "status", "session", "search"] as const;

export function CallsPage(props: { route: Route }) {
  const { query } = props.route;
  const chosen = Object.fromEntries(filters.map((name) => [name, query.get(name) ?? undefined]));
  const after = query.get("after") ?? undefined;
  // Every parameter of the URL goes to the API, which refuses one it does not take (a misspelt filter).
  const loaded = useApi<CallPage>("/calls", Object.fromEntries(query));
  return (
    <>
      <h1>Calls</h1>
      <FilterForm key={location.search} chosen={chosen} />
      <Show loaded={loaded}>
        {(page) => (
          <>
            <table class="calls">
              <thead>
                <tr>
                  {[
                    "agent",
                    "call",
                    "status",
                    "provider / model",
                    "session",
                    "answer",
                    "tokens in / out",
                    "failures",
                  ].map((name) => (
                    <th key={name}>{name}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {page.calls.map((call) => (
                  <tr key={`${call.agent}/${call.hash}/${call.occurrence}`}>
                    <td>
                      <AgentLink agent={call.agent} />
                    </td>
                    <td class="mono">
                      <a href={callHref(call)}>
                        {call.hash.slice(0, 10)}
                        {call.occurrence > 0 ? ` #${call.occurrence}` : ""}
                      </a>
                    </td>
                    <td>
                      <StatusBadge status={call.status} />
                    </td>
                    <td>
                      {call.provider ?? "–"} / {call.model ?? "–"}
                    </td>
                    <td class="number">{call.session ?? "–"}</td>
                    <td class="answer">{oneLine(call.text, 90)}</td>
                    <td class="number">
                      {formatCount(call.inputTokens)} / {formatCount(call.outputTokens)}
                    </td>
                    <td class="number">{call.failures}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {page.calls.length === 0 && <p class="quiet">No calls match.</p>}
            <nav class="pager">
              {after !== undefined && <a href={hrefOf("/calls", chosen)}>First page</a>}
              {page.next !== undefined && <a href={hrefOf("/calls", { ...chosen, after: page.next })}>Next page</a>}
            </nav>
          </>
        )}
      </Show>
    </>
  );
}

// --- internal ---

/** The filters as a form; submitting it goes to the first page of the calls they choose. */
function FilterForm(props: { chosen: Readonly<Record<string, string | undefined>> }) {
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    navigate(hrefOf("/calls", Object.fromEntries(filters.map((name) => [name, String(form.get(name) ?? "").trim()]))));
  };
  const field = (name: string, placeholder: string) => (
    <label>
      {name}
      <input name={name} placeholder={placeholder} value={props.chosen[name] ?? ""} />
    </label>
  );
  return (
    <form class="filters" onSubmit={submit}>
      {field("agent", "judge-*")}
      {field("provider", "openai")}
      {field("model", "gpt-4.1-mini")}
      <label>
        status
        <select name="status" value={props.chosen.status ?? ""}>
          {["", "answered", "pending", "failed", "unanswered"].map((status) => (
            <option value={status} key={status}>
              {status === "" ? "any" : status}
            </option>
          ))}
        </select>
      </label>
      {field("session", "3")}
      {field("search", "text in prompt or answer")}
      <button type="submit">Filter</button>
    </form>
  );
}
