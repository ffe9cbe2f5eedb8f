/**
 * A Message as the Messages API streams it (`stream: true`): `message_start`
 * with the message but no content, each content block's start, deltas and
 * stop, `message_delta` with the stop reason and output tokens, `message_stop`.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
import { arrayOf, objectOf } from "./json-shape.js";
import type { WireEvent } from "./provider-routes.js";
import { textPieces } from "./text-pieces.js";

/** The events that stream `message` (a rendered Message). */
export function anthropicStreamEvents(message: Record<string, unknown>): WireEvent[] {
  const events: WireEvent[] = [];
  const push = (type: string, fields: Record<string, unknown>) =>
    events.push({ event: type, data: { type, ...fields } });
  const usage = objectOf(message.usage);
  push("message_start", {
    message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
  });
  for (const [index, content] of arrayOf(message.content).entries()) {
    const block = objectOf(content);
    if (block.type === "tool_use") {
      push("content_block_start", { index, content_block: { ...block, input: {} } });
      for (const piece of textPieces(JSON.stringify(block.input ?? {}))) {
        push("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: piece } });
      }
    } else {
      push("content_block_start", { index, content_block: { ...block, text: "" } });
      if (index === 0) push("ping", {});
      for (const piece of textPieces(String(block.text ?? ""))) {
        push("content_block_delta", { index, delta: { type: "text_delta", text: piece } });
      }
    }
    push("content_block_stop", { index });
  }
  push("message_delta", {
    delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence ?? null },
    usage: { output_tokens: usage.output_tokens },
  });
  push("message_stop", {});
  return events;
}
