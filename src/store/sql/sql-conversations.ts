/** Conversation trees in SQL. */
import type { ConversationHeadRecord, ConversationNodeRecord, StoredConversation } from "../store.js";
import type { SqlConnection } from "./sql-connection.js";

export async function saveConversation(
  connection: SqlConnection,
  nodes: readonly ConversationNodeRecord[],
  heads: readonly ConversationHeadRecord[],
): Promise<void> {
  await connection.transaction(async (transaction) => {
    for (const node of nodes) {
      await transaction.run(
        `INSERT INTO conversation_nodes (id, agent, conversation, parent_id, message_json, call_id, session, created_at)
         VALUES (?, ?, ?, ?, ?, (SELECT id FROM calls WHERE agent = ? AND hash = ? AND occurrence = ?), ?, ?)
         ON CONFLICT (id) DO NOTHING`,
        [
          node.id,
          node.agent,
          node.conversation,
          node.parentId ?? null,
          node.message,
          node.call?.agent ?? null,
          node.call?.hash ?? null,
          node.call?.occurrence ?? null,
          node.session,
          node.createdAt,
        ],
      );
    }
    for (const head of heads) {
      await transaction.run(
        `INSERT INTO conversation_heads (agent, conversation, branch, node_id) VALUES (?, ?, ?, ?)
         ON CONFLICT (agent, conversation, branch) DO UPDATE SET node_id = excluded.node_id`,
        [head.agent, head.conversation, head.branch, head.nodeId],
      );
    }
  });
}

export async function loadConversation(
  connection: SqlConnection,
  agent: string,
  conversation: string,
): Promise<StoredConversation> {
  const nodeRows = await connection.all(
    `SELECT n.id, n.parent_id, n.message_json, n.session, n.created_at, c.agent, c.hash, c.occurrence
     FROM conversation_nodes n LEFT JOIN calls c ON c.id = n.call_id
     WHERE n.agent = ? AND n.conversation = ? ORDER BY n.${connection.dialect.insertionOrder}`,
    [agent, conversation],
  );
  const headRows = await connection.all(
    "SELECT branch, node_id FROM conversation_heads WHERE agent = ? AND conversation = ?",
    [agent, conversation],
  );
  type NodeRow = [string, string | null, string, number, number, string | null, string, number];
  return {
    nodes: (nodeRows as NodeRow[]).map(([id, parentId, message, session, createdAt, callAgent, hash, occurrence]) => ({
      id,
      agent,
      conversation,
      parentId: parentId ?? undefined,
      message,
      call: callAgent === null ? undefined : { agent: callAgent, hash, occurrence },
      session,
      createdAt,
    })),
    heads: (headRows as [string, string][]).map(([branch, nodeId]) => ({ agent, conversation, branch, nodeId })),
  };
}
