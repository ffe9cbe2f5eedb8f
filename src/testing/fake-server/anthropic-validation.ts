/**
 * Checks Anthropic Messages bodies the way the API does ("max_tokens: Field
 * required", "foo: Extra inputs are not permitted"), for both API versions
 * (providers.md §2). Field list: `MessageCreateParamsBase` of
 * @anthropic-ai/sdk 1.14 (`user_profile_id` and `workspace_id` travel as
 * headers), plus the sampling fields version 2023-06-01 still takes.
 */
import { arrayOf, firstUnknownKey, isObject, jsonTypeName, objectOf } from "./json-shape.js";
import type { ProviderFailure } from "./provider-routes.js";

/** The `anthropic-version` values the API accepts. */
export const anthropicVersions = ["2023-06-01", "2026-10-21"] as const;

/** An accepted `anthropic-version` value. */
export type AnthropicVersion = (typeof anthropicVersions)[number];

const messagesFields = [
  "cache_control",
  "container",
  "diagnostics",
  "inference_geo",
  "max_tokens",
  "messages",
  "metadata",
  "model",
  "output_config",
  "service_tier",
  "speed",
  "stop_sequences",
  "stream",
  "system",
  "thinking",
  "tool_choice",
  "tools",
];

/** Removed in 2026-10-21: a 400 even at default values. */
const samplingFields = ["temperature", "top_p", "top_k"];

const fieldsByVersion: Readonly<Record<AnthropicVersion, ReadonlySet<string>>> = {
  "2023-06-01": new Set([...messagesFields, ...samplingFields]),
  "2026-10-21": new Set(messagesFields),
};

const blockTypes = [
  "text",
  "image",
  "document",
  "search_result",
  "thinking",
  "redacted_thinking",
  "tool_use",
  "tool_result",
  "server_tool_use",
  "web_search_tool_result",
  "web_fetch_tool_result",
  "code_execution_tool_result",
  "bash_code_execution_tool_result",
  "text_editor_code_execution_tool_result",
  "tool_search_tool_result",
  "container_upload",
];
const imageMediaTypes = ["image/jpeg", "image/png", "image/gif", "image/webp"];

/** The first problem with a `POST /v1/messages` body. */
export function validateMessagesBody(body: unknown, version: AnthropicVersion): ProviderFailure | undefined {
  if (!isObject(body)) return _invalid(`body: Input should be a valid dictionary, got ${jsonTypeName(body)}`);
  const unknown = firstUnknownKey(body, fieldsByVersion[version]);
  if (unknown !== undefined) {
    const removed = samplingFields.includes(unknown) ? ` (removed in anthropic-version ${version})` : "";
    return _invalid(`${unknown}: Extra inputs are not permitted${removed}`);
  }
  for (const field of ["model", "max_tokens", "messages"]) {
    if (body[field] === undefined) return _invalid(`${field}: Field required`);
  }
  if (typeof body.model !== "string") return _invalid("model: Input should be a valid string");
  if (!Number.isInteger(body.max_tokens)) return _invalid("max_tokens: Input should be a valid integer");
  if ((body.max_tokens as number) < 1) return _invalid("max_tokens: Input should be greater than or equal to 1");
  if (!Array.isArray(body.messages)) return _invalid("messages: Input should be a valid list");
  if (body.stream !== undefined && typeof body.stream !== "boolean")
    return _invalid("stream: Input should be a valid boolean");
  let toolUseIds = new Set<string>();
  for (const [index, message] of body.messages.entries()) {
    const last = index === body.messages.length - 1;
    const problem = _checkMessage(message, `messages.${index}`, version, toolUseIds, last);
    if (problem) return problem;
    const entry = objectOf(message);
    toolUseIds = new Set(
      arrayOf(entry.content)
        .map((block) => objectOf(block))
        .filter((block) => entry.role === "assistant" && block.type === "tool_use")
        .map((block) => String(block.id)),
    );
  }
  for (const [index, tool] of arrayOf(body.tools).entries()) {
    const entry = objectOf(tool);
    if (entry.type !== undefined && entry.type !== null && entry.type !== "custom") continue;
    if (typeof entry.name !== "string") return _invalid(`tools.${index}.custom.name: Field required`);
    if (!isObject(entry.input_schema)) return _invalid(`tools.${index}.custom.input_schema: Field required`);
  }
  const format = objectOf(objectOf(body.output_config).format);
  if (format.type === "json_schema" && !isObject(format.schema)) {
    return _invalid("output_config.format.json_schema.schema: Field required");
  }
  return undefined;
}

// --- internal ---

function _checkMessage(
  message: unknown,
  path: string,
  version: AnthropicVersion,
  toolUseIds: ReadonlySet<string>,
  last: boolean,
): ProviderFailure | undefined {
  if (!isObject(message)) return _invalid(`${path}: Input should be a valid dictionary`);
  const roles = version === "2026-10-21" ? ["user", "assistant", "system"] : ["user", "assistant"];
  if (typeof message.role !== "string" || !roles.includes(message.role)) {
    return _invalid(`${path}.role: Input should be ${roles.map((role) => `'${role}'`).join(" or ")}`);
  }
  const empty = message.content === "" || (Array.isArray(message.content) && message.content.length === 0);
  if (empty && !(last && message.role === "assistant")) {
    return _invalid(
      `${path}: all messages must have non-empty content except for the optional final assistant message`,
    );
  }
  if (typeof message.content === "string") return _checkText(message.content);
  if (!Array.isArray(message.content)) return _invalid(`${path}.content: Input should be a valid list`);
  for (const [index, block] of message.content.entries()) {
    const problem = _checkBlock(objectOf(block), `${path}.content.${index}`, message.role, version, toolUseIds);
    if (problem) return problem;
  }
  return undefined;
}

function _checkBlock(
  block: Record<string, unknown>,
  path: string,
  role: string,
  version: AnthropicVersion,
  toolUseIds: ReadonlySet<string>,
): ProviderFailure | undefined {
  if (typeof block.type !== "string" || !blockTypes.includes(block.type)) {
    return _invalid(
      `${path}: Input tag '${String(block.type)}' found using 'type' does not match any of the expected tags: ${blockTypes.map((type) => `'${type}'`).join(", ")}`,
    );
  }
  if (block.type === "text" && typeof block.text === "string") {
    const problem = _checkText(block.text);
    if (problem) return problem;
  }
  if (block.type === "image") {
    const source = objectOf(block.source);
    if (source.type === "base64" && !imageMediaTypes.includes(String(source.media_type))) {
      return _invalid(
        `${path}.source.base64.media_type: Input should be ${imageMediaTypes.map((type) => `'${type}'`).join(", ")}`,
      );
    }
    if (!["base64", "url", "file"].includes(String(source.type))) {
      return _invalid(
        `${path}.source: Input tag '${String(source.type)}' found using 'type' does not match any of the expected tags: 'base64', 'url', 'file'`,
      );
    }
  }
  if (block.type === "tool_result" && !toolUseIds.has(String(block.tool_use_id))) {
    return _invalid(
      `${path}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
    );
  }
  if (version === "2026-10-21" && block.type === "document" && role === "assistant") {
    return _invalid(`${path}: document blocks are not allowed in assistant messages in anthropic-version 2026-10-21`);
  }
  if (version === "2026-10-21" && block.type === "text" && role === "user" && arrayOf(block.citations).length > 0) {
    return _invalid(`${path}.citations: citations on user text blocks are not allowed in anthropic-version 2026-10-21`);
  }
  return undefined;
}

/** Text blocks (and string content) must hold text that is not only whitespace. */
function _checkText(text: string): ProviderFailure | undefined {
  if (text === "") return _invalid("messages: text content blocks must be non-empty");
  if (text.trim() === "") return _invalid("messages: text content blocks must contain non-whitespace text");
  return undefined;
}

function _invalid(message: string): ProviderFailure {
  return { status: 400, message };
}
