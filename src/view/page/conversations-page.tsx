/** Every conversation of the workspace, by agent and name, with its branches. */
import type { ConversationRow } from "../../store/workspace-reader.js";
import { useApi } from "./api.js";
import { formatCount, formatTime } from "./format.js";
import { AgentLink, Show } from "./parts.js";
import { hrefOf } from "./router.js";

export function ConversationsPage() {
  const loaded = useApi<readonly ConversationRow[]>("/conversations");
  return (
    <>
      <h1>Conversations</h1>
      <Show loaded={loaded}>
        {(conversations) =>
          conversations.length === 0 ? (
            <p class="quiet">No conversations.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  {["agent", "conversation", "messages", "branches", "created"].map((name) => (
                    <th key={name}>{name}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {conversations.map((row) => (
                  <tr key={`${row.agent}/${row.conversation}`}>
                    <td>
                      <AgentLink agent={row.agent} />
                    </td>
                    <td>
                      <a href={hrefOf("/conversation", { agent: row.agent, name: row.conversation })}>
                        {row.conversation}
                      </a>
                    </td>
                    <td class="number">{formatCount(row.messages)}</td>
                    <td>{row.branches.join(", ")}</td>
                    <td>{formatTime(row.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </>
  );
}
