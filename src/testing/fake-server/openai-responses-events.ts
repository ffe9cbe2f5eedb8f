/**
 * A Response as the Responses API streams it (`stream: true`): `response.created`,
 * each output item with its text or argument deltas, then `response.completed`
 * (or `response.incomplete`) carrying the whole Response.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
import { arrayOf, objectOf } from "./json-shape.js";
import type { WireEvent } from "./provider-routes.js";
import { textPieces } from "./text-pieces.js";

/** The events that stream `response` (a rendered Response object). */
export function responsesEvents(response: Record<string, unknown>): WireEvent[] {
  const events: WireEvent[] = [];
  const push = (type: string, fields: Record<string, unknown>) => {
    events.push({ event: type, data: { type, sequence_number: events.length, ...fields } });
  };
  const opening = { ...response, status: "in_progress", completed_at: null, incomplete_details: null, output: [] };
  push("response.created", { response: { ...opening, usage: null } });
  push("response.in_progress", { response: { ...opening, usage: null } });
  for (const [outputIndex, output] of arrayOf(response.output).entries()) {
    const item = objectOf(output);
    if (item.type === "function_call") {
      const args = String(item.arguments ?? "");
      const ids = { item_id: item.id, output_index: outputIndex };
      push("response.output_item.added", {
        output_index: outputIndex,
        item: { ...item, arguments: "", status: "in_progress" },
      });
      for (const delta of textPieces(args)) push("response.function_call_arguments.delta", { ...ids, delta });
      push("response.function_call_arguments.done", { ...ids, name: item.name, arguments: args });
    } else {
      push("response.output_item.added", {
        output_index: outputIndex,
        item: { ...item, status: "in_progress", content: [] },
      });
      for (const [contentIndex, content] of arrayOf(item.content).entries()) {
        const part = objectOf(content);
        const text = String(part.text ?? "");
        const ids = { item_id: item.id, output_index: outputIndex, content_index: contentIndex };
        push("response.content_part.added", { ...ids, part: { ...part, text: "" } });
        for (const delta of textPieces(text)) push("response.output_text.delta", { ...ids, delta, logprobs: [] });
        push("response.output_text.done", { ...ids, text, logprobs: [] });
        push("response.content_part.done", { ...ids, part });
      }
    }
    push("response.output_item.done", { output_index: outputIndex, item });
  }
  push(response.status === "incomplete" ? "response.incomplete" : "response.completed", { response });
  return events;
}
