/** The conversations of a workspace as the read-only view lists them, in SQL any SQL store runs. */
import type { Message } from "../../core/llm.js";
import type { ConversationRow, ConversationTree } from "../workspace-reader.js";

/** Conversations by agent and name, with their messages counted. */
export const conversationsSql = `SELECT agent, conversation, count(*), min(created_at) FROM conversation_nodes
  GROUP BY agent, conversation ORDER BY agent, conversation`;

export type ConversationValues = [string, string, number, number];

/** Every conversation's branches: `[agent, conversation, branch]`. */
export const conversationBranchesSql = "SELECT agent, conversation, branch FROM conversation_heads ORDER BY branch";

export function conversationRowsOf(
  rows: readonly ConversationValues[],
  heads: readonly [string, string, string][],
): ConversationRow[] {
  const branches = new Map<string, string[]>();
  for (const [agent, conversation, branch] of heads) {
    const key = JSON.stringify([agent, conversation]);
    branches.set(key, [...(branches.get(key) ?? []), branch]);
  }
  return rows.map(([agent, conversation, messages, createdAt]) => ({
    agent,
    conversation,
    messages,
    branches: branches.get(JSON.stringify([agent, conversation])) ?? [],
    createdAt,
  }));
}

/** One conversation's nodes (binds agent and conversation) in the order they were inserted (`insertionOrder`). */
export function conversationNodesSql(insertionOrder: string): string {
  return `SELECT n.id, n.parent_id, n.message_json, n.session, n.created_at, c.agent, c.hash, c.occurrence
    FROM conversation_nodes n LEFT JOIN calls c ON c.id = n.call_id
    WHERE n.agent = ? AND n.conversation = ? ORDER BY n.${insertionOrder}`;
}

export type ConversationNodeValues = [string, string | null, string, number, number, string | null, string, number];

/** One conversation's branches and their latest nodes (binds agent and conversation). */
export const conversationHeadsSql =
  "SELECT branch, node_id FROM conversation_heads WHERE agent = ? AND conversation = ? ORDER BY branch";

/** The tree of a conversation from its nodes and heads; `undefined` without nodes. */
export function conversationTreeOf(
  agent: string,
  conversation: string,
  nodes: readonly ConversationNodeValues[],
  heads: readonly [string, string][],
): ConversationTree | undefined {
  if (nodes.length === 0) return undefined;
  return {
    agent,
    conversation,
    nodes: nodes.map(([id, parentId, message, session, createdAt, callAgent, hash, occurrence]) => ({
      id,
      parentId: parentId ?? undefined,
      message: JSON.parse(message) as Message,
      call: callAgent === null ? undefined : { agent: callAgent, hash, occurrence },
      session,
      createdAt,
    })),
    heads: Object.fromEntries(heads),
  };
}
