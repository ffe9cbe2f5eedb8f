/**
 * Reads a Chat Completions stream (`stream: true` with
 * `stream_options.include_usage`): content deltas are handed on as they
 * arrive, and the chunks are put together into the ChatCompletion a
 * non-streamed call returns (content, refusal, tool calls, finish reason, usage).
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
import type OpenAI from "openai";

interface StreamedToolCall {
  id: string;
  readonly type: "function";
  readonly function: { name: string; arguments: string };
}

/** The ChatCompletion the chunks make up; `undefined` when the stream ended before a finish reason. */
export async function readOpenAIChatStream(
  chunks: AsyncIterable<OpenAI.Chat.ChatCompletionChunk>,
  onTextDelta: (delta: string) => void,
): Promise<OpenAI.Chat.ChatCompletion | undefined> {
  let last: OpenAI.Chat.ChatCompletionChunk | undefined;
  let usage: OpenAI.CompletionUsage | undefined;
  let finishReason: OpenAI.Chat.ChatCompletion.Choice["finish_reason"] | undefined;
  let content = "";
  let refusal: string | null = null;
  const toolCalls: StreamedToolCall[] = [];
  for await (const chunk of chunks) {
    last = chunk;
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    const { delta } = choice;
    if (delta.content) {
      content += delta.content;
      onTextDelta(delta.content);
    }
    if (delta.refusal) refusal = (refusal ?? "") + delta.refusal;
    for (const call of delta.tool_calls ?? []) {
      toolCalls[call.index] ??= { id: "", type: "function", function: { name: "", arguments: "" } };
      const entry = toolCalls[call.index];
      if (call.id) entry.id = call.id;
      if (call.function?.name) entry.function.name += call.function.name;
      if (call.function?.arguments) entry.function.arguments += call.function.arguments;
    }
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }
  if (last === undefined || finishReason === undefined) return undefined;
  const message: OpenAI.Chat.ChatCompletionMessage = {
    role: "assistant",
    content: content === "" && toolCalls.length > 0 ? null : content,
    refusal,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
  return {
    id: last.id,
    object: "chat.completion",
    created: last.created,
    model: last.model,
    choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
    ...(usage ? { usage } : {}),
    ...(last.system_fingerprint ? { system_fingerprint: last.system_fingerprint } : {}),
  };
}
