/**
 * A ChatCompletion as Chat Completions streams it (`stream: true`): chunks of
 * deltas, the finish reason on the last choice chunk, with
 * `stream_options.include_usage` a last chunk of no choices carrying the usage
 * (and `usage: null` on the others), then `data: [DONE]`.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
import { arrayOf, objectOf } from "./json-shape.js";
import type { WireEvent } from "./provider-routes.js";
import { textPieces } from "./text-pieces.js";

/** The chunks that stream `completion` (a rendered ChatCompletion). */
export function chatChunks(completion: Record<string, unknown>, includeUsage: boolean): WireEvent[] {
  const { id, created, model, service_tier, system_fingerprint } = completion;
  const base = { id, object: "chat.completion.chunk", created, model, service_tier, system_fingerprint };
  const choice = objectOf(arrayOf(completion.choices)[0]);
  const message = objectOf(choice.message);
  const events: WireEvent[] = [];
  const chunk = (delta: Record<string, unknown>, finishReason: unknown = null) => {
    const choices = [{ index: 0, delta, logprobs: null, finish_reason: finishReason }];
    events.push({ data: { ...base, choices, ...(includeUsage ? { usage: null } : {}) } });
  };
  chunk({ role: "assistant", content: "", refusal: null });
  for (const piece of textPieces(typeof message.content === "string" ? message.content : "")) chunk({ content: piece });
  for (const [index, entry] of arrayOf(message.tool_calls).entries()) {
    const call = objectOf(entry);
    const callFunction = objectOf(call.function);
    chunk({
      tool_calls: [{ index, id: call.id, type: "function", function: { name: callFunction.name, arguments: "" } }],
    });
    for (const piece of textPieces(String(callFunction.arguments ?? ""))) {
      chunk({ tool_calls: [{ index, function: { arguments: piece } }] });
    }
  }
  chunk({}, choice.finish_reason);
  if (includeUsage) events.push({ data: { ...base, choices: [], usage: completion.usage } });
  events.push({ data: "[DONE]" });
  return events;
}
