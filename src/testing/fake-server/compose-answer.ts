/**
 * Chooses what the fake model says: the scripted reply where there is one,
 * otherwise a deterministic answer derived from (model, prompt).
 */
import { createHash } from "node:crypto";
import { sampleJsonSchema } from "../sample-json-schema.js";
import type { Reply, ReplyContext, ScriptedToolCall } from "./fake-server-types.js";
import type { Answer } from "./provider-routes.js";

/**
 * The answer for `context`. Tool calls are made only when the request offers
 * tools: the scripted ones, or with `autoToolCalls` a call of the first tool
 * (never right after a tool result).
 */
export function composeAnswer(context: ReplyContext, scripted: Reply | undefined, autoToolCalls: boolean): Answer {
  const seed = _digest(context.model, context.prompt);
  const toolCalls = _toolCalls(context, scripted, autoToolCalls, seed);
  const text = _text(context, scripted, toolCalls, seed);
  return {
    text,
    toolCalls,
    inputTokens: scripted?.usage?.inputTokens ?? _estimateTokens(JSON.stringify(context.body ?? "")),
    outputTokens:
      scripted?.usage?.outputTokens ?? _estimateTokens(text + (toolCalls.length ? JSON.stringify(toolCalls) : "")),
    finishReason: scripted?.finishReason ?? (toolCalls.length > 0 ? "tool-calls" : "stop"),
  };
}

// --- internal ---

/** The default answer text: the same model and prompt always give the same text. */
function _defaultAnswerText(model: string | undefined, prompt: string): string {
  return `Answer to: ${prompt.slice(0, 60)} [${_digest(model, prompt).slice(0, 8)}]`;
}

/** Rough token count: one token per four characters, at least one. */
function _estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function _digest(model: string | undefined, prompt: string): string {
  return createHash("sha256")
    .update(model ?? "")
    .update("\0")
    .update(prompt)
    .digest("hex");
}

function _toolCalls(
  context: ReplyContext,
  scripted: Reply | undefined,
  autoToolCalls: boolean,
  seed: string,
): readonly ScriptedToolCall[] {
  if (context.tools.length === 0) return [];
  if (scripted) return scripted.toolCalls ?? [];
  if (!autoToolCalls || context.afterToolResult) return [];
  const tool = context.tools[0];
  return [{ name: tool.name, args: sampleJsonSchema(tool.parameters, seed) }];
}

function _text(
  context: ReplyContext,
  scripted: Reply | undefined,
  toolCalls: readonly ScriptedToolCall[],
  seed: string,
): string {
  if (scripted?.text !== undefined) return scripted.text;
  if (scripted?.json !== undefined) return JSON.stringify(scripted.json);
  if (toolCalls.length > 0) return "";
  if (context.schema) return JSON.stringify(sampleJsonSchema(context.schema, seed));
  return _defaultAnswerText(context.model, context.prompt);
}
