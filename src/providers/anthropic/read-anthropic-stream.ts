/**
 * Reads a Messages stream (`stream: true`): text deltas are handed on as they
 * arrive, and the events are put together into the Message a non-streamed
 * call returns (content blocks, tool inputs, stop reason, usage of
 * `message_start` updated by `message_delta`), complete at `message_stop`.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
import type Anthropic from "@anthropic-ai/sdk";

type StreamedBlock = { type: string; text?: string; thinking?: string; signature?: string; input?: unknown };

/** The Message the events make up; `undefined` when the stream ended before `message_stop`. */
export async function readAnthropicStream(
  events: AsyncIterable<Anthropic.RawMessageStreamEvent>,
  onTextDelta: (delta: string) => void,
): Promise<Anthropic.Message | undefined> {
  let message: (Omit<Anthropic.Message, "content"> & { content: StreamedBlock[] }) | undefined;
  const inputs: string[] = [];
  for await (const event of events) {
    if (event.type === "message_start") {
      message = { ...event.message, usage: { ...event.message.usage }, content: [] };
      continue;
    }
    if (message === undefined) continue;
    switch (event.type) {
      case "content_block_start":
        message.content[event.index] = { ...event.content_block };
        if (event.content_block.type === "tool_use") inputs[event.index] = "";
        break;
      case "content_block_delta": {
        const block = message.content[event.index];
        const delta = event.delta;
        if (block === undefined) break;
        if (delta.type === "text_delta") {
          block.text = (block.text ?? "") + delta.text;
          onTextDelta(delta.text);
        } else if (delta.type === "input_json_delta") {
          inputs[event.index] = (inputs[event.index] ?? "") + delta.partial_json;
        } else if (delta.type === "thinking_delta") {
          block.thinking = (block.thinking ?? "") + delta.thinking;
        } else if (delta.type === "signature_delta") {
          block.signature = delta.signature;
        }
        break;
      }
      case "content_block_stop": {
        const input = inputs[event.index];
        const block = message.content[event.index];
        if (input !== undefined && block !== undefined) block.input = input === "" ? {} : JSON.parse(input);
        break;
      }
      case "message_delta": {
        message.stop_reason = event.delta.stop_reason;
        message.stop_sequence = event.delta.stop_sequence;
        const usage = message.usage as unknown as Record<string, unknown>;
        for (const [field, value] of Object.entries(event.usage)) if (value !== null) usage[field] = value;
        break;
      }
      case "message_stop":
        return message as unknown as Anthropic.Message;
    }
  }
  return undefined;
}
