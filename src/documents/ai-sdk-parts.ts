/**
 * AI SDK `ModelMessage` content parts as documents' parts. They are told apart
 * by shape (an image's `image`, a tool call's `toolCallId`, a tool result's
 * `toolName`), so no AI SDK code is loaded; each becomes the native part that
 * hashes and sends the same as the equivalent native document. What no
 * provider would be sent (reasoning, provider-executed tools, approvals,
 * `providerOptions`) is refused, naming the part.
 *
 * @see https://ai-sdk.dev/docs/reference/ai-sdk-core/model-message
 */
import { InputError } from "../core/errors.js";

/** A part as written in a message's content: `type` and whatever else it has. */
export type WrittenPart = { readonly type: string; readonly [key: string]: unknown };

/** `part` in native shape: an AI SDK part converted, a native one as it is. */
export function fromAiSdkPart(part: WrittenPart, where: string): WrittenPart {
  if (!("providerOptions" in part) && !_aiSdkShaped(part)) return part;
  const { providerOptions, ...rest } = part;
  _refuseProviderOptions(providerOptions, where);
  switch (rest.type) {
    case "image":
      return "image" in rest ? _binary("image", rest["image"], rest, where) : rest;
    case "file":
      return _binary("file", rest["data"], rest, where);
    case "tool-call":
      if (!("toolCallId" in rest)) return rest;
      if (rest["providerExecuted"] === true) {
        throw new InputError(
          `${where} is a tool call the provider executed (providerExecuted: true); only tool calls your code runs can be sent again. Leave it out.`,
        );
      }
      return { type: "tool-call", id: rest["toolCallId"], name: rest["toolName"], args: rest["input"] };
    case "tool-result":
      return "toolName" in rest ? _toolResult(rest, where) : rest;
    case "reasoning":
      throw new InputError(
        `${where} is a reasoning part, which parallellm cannot send back to a model; leave it out (e.g. filter response.messages to text and tool-call parts).`,
      );
    default:
      return rest;
  }
}

/** True for the message keys of an AI SDK message: `role`, `content` and perhaps `providerOptions`. */
export function isMessageShape(record: { readonly [key: string]: unknown }): boolean {
  if (typeof record["role"] !== "string" || !("content" in record)) return false;
  for (const key in record) if (key !== "role" && key !== "content" && key !== "providerOptions") return false;
  return true;
}

/** A message's `providerOptions` (empty or absent is fine), refused as a part's are. */
export function refuseMessageProviderOptions(record: { readonly [key: string]: unknown }, where: string): void {
  _refuseProviderOptions(record["providerOptions"], where);
}

// --- internal ---

function _aiSdkShaped(part: WrittenPart): boolean {
  switch (part.type) {
    case "image":
      return "image" in part;
    case "file":
      return part["data"] instanceof URL || part["data"] instanceof ArrayBuffer;
    case "tool-call":
      return "toolCallId" in part;
    case "tool-result":
      return "toolName" in part;
    default:
      return part.type === "reasoning";
  }
}

function _refuseProviderOptions(providerOptions: unknown, where: string): void {
  if (providerOptions === undefined) return;
  if (typeof providerOptions === "object" && providerOptions !== null && Object.keys(providerOptions).length === 0)
    return;
  throw new InputError(
    `${where} has providerOptions (${JSON.stringify(providerOptions)}), which parallellm does not send with a message or part; leave them out, and pass provider settings with the ask's providerOptions.`,
  );
}

/** An image or file: a URL (object or http(s) text) as `url`, bytes (an ArrayBuffer too) or base64 text as `data`. */
function _binary(
  type: "image" | "file",
  source: unknown,
  part: { readonly [key: string]: unknown },
  where: string,
): WrittenPart {
  const converted: Record<string, unknown> = { type };
  if (part["mediaType"] !== undefined) converted["mediaType"] = part["mediaType"];
  if (type === "file" && part["filename"] !== undefined) converted["filename"] = part["filename"];
  if (source instanceof URL) converted["url"] = source.href;
  else if (source instanceof ArrayBuffer) converted["data"] = new Uint8Array(source);
  else if (source !== undefined) converted["data"] = source;
  else throw new InputError(`${where} is an AI SDK ${type} part without its ${type === "image" ? "image" : "data"}.`);
  return converted as WrittenPart;
}

/** `output: { type, value }` → the native output, `isError` for the error kinds. */
function _toolResult(part: { readonly [key: string]: unknown }, where: string): WrittenPart {
  const output = part["output"] as { readonly type?: unknown; readonly value?: unknown } | undefined;
  const kind = output?.type;
  if (kind !== "text" && kind !== "json" && kind !== "error-text" && kind !== "error-json") {
    throw new InputError(
      `${where} is a tool result whose output is of type ${JSON.stringify(kind)}; parallellm sends text, json, error-text and error-json outputs. Pass the result as { type: "json", value } (or "text").`,
    );
  }
  const result: Record<string, unknown> = {
    type: "tool-result",
    toolCallId: part["toolCallId"],
    name: part["toolName"],
    output: output?.value,
  };
  if (kind === "error-text" || kind === "error-json") result["isError"] = true;
  return result as WrittenPart;
}
