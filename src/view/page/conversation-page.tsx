/**
 * A conversation as its tree: a run of messages one after another is shown flat;
 * where it forks, each branch is indented under a "fork" mark, and each branch's
 * latest message carries the branch's name. Each answer links to its call.
 */
import type { ConversationNode, ConversationTree } from "../../store/workspace-reader.js";
import { useApi } from "./api.js";
import { MessageView, type ShownMessage } from "./message-view.js";
import { AgentLink, callHref, Show } from "./parts.js";
import type { Route } from "./router.js";

export function ConversationPage(props: { route: Route }) {
  const agent = props.route.query.get("agent") ?? "";
  const name = props.route.query.get("name") ?? "";
  const loaded = useApi<ConversationTree>("/conversation", { agent, name });
  return (
    <Show loaded={loaded}>
      {(tree) => {
        const children = new Map<string | undefined, ConversationNode[]>();
        for (const node of tree.nodes) children.set(node.parentId, [...(children.get(node.parentId) ?? []), node]);
        const branchesAt = new Map<string, string[]>();
        for (const [branch, id] of Object.entries(tree.heads))
          branchesAt.set(id, [...(branchesAt.get(id) ?? []), branch]);
        return (
          <>
            <h1>
              Conversation {tree.conversation} of <AgentLink agent={tree.agent} />
            </h1>
            <Branch starts={children.get(undefined) ?? []} children={children} branchesAt={branchesAt} />
          </>
        );
      }}
    </Show>
  );
}

// --- internal ---

interface TreeParts {
  readonly children: ReadonlyMap<string | undefined, readonly ConversationNode[]>;
  readonly branchesAt: ReadonlyMap<string, readonly string[]>;
}

/** The runs that start at `starts`: one flat run, or a fork of several. */
function Branch(props: TreeParts & { starts: readonly ConversationNode[] }) {
  const { starts, ...parts } = props;
  if (starts.length === 1) return <Run first={starts[0]!} {...parts} />;
  return (
    <div class="fork">
      <div class="fork-mark">fork: {starts.length} branches</div>
      {starts.map((node) => (
        <div class="fork-branch" key={node.id}>
          <Run first={node} {...parts} />
        </div>
      ))}
    </div>
  );
}

/** Messages one after another from `first` until the conversation ends or forks. */
function Run(props: TreeParts & { first: ConversationNode }) {
  const { first, ...parts } = props;
  const run: ConversationNode[] = [first];
  let next = parts.children.get(first.id) ?? [];
  while (next.length === 1) {
    run.push(next[0]!);
    next = parts.children.get(next[0]!.id) ?? [];
  }
  return (
    <>
      {run.map((node) => (
        <div class="node" key={node.id}>
          <MessageView message={node.message as unknown as ShownMessage} />
          <div class="node-facts">
            {node.call && <a href={callHref(node.call)}>its call</a>}
            {(parts.branchesAt.get(node.id) ?? []).map((branch) => (
              <span class="branch" key={branch}>
                {branch}
              </span>
            ))}
          </div>
        </div>
      ))}
      {next.length > 1 && <Branch starts={next} {...parts} />}
    </>
  );
}
