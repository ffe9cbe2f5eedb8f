/**
 * One call whole as text (`pllm show`): its request (documents as text, images
 * and files as a note of their type and size, never their bytes), the answer,
 * usage, cost, timing, attempts, batches and every answer received.
 */
import pc from "picocolors";
import type { ContentPart, LLMResult, Message } from "../core/llm.js";
import { base64Bytes } from "../export/prompt-text.js";
import type { CallDetail } from "../store/workspace-reader.js";
import { formatBytes, formatCount, formatMoney } from "./format-number.js";
import { formatTable, indent } from "./format-table.js";
import { formatDuration, formatTimestamp } from "./format-time.js";

/** Request members shown in sections of their own; the rest are listed under "options". */
const shownApart = new Set(["v", "llm", "instructions", "messages", "schema", "tools", "text"]);

/** The text of `pllm show` for `call`. */
export function callDetailLines(call: CallDetail): string[] {
  const request = (call.request ?? {}) as Record<string, unknown>;
  const options = Object.fromEntries(Object.entries(request).filter(([name]) => !shownApart.has(name)));
  return [
    `${pc.bold(`${call.agent} #${call.occurrence}`)}  ${call.id === undefined ? "" : `call ${call.id}  `}hash ${call.hash}`,
    ...indent(
      formatTable([
        ["status", statusText(call)],
        ["model", call.provider === undefined ? "unknown" : `${call.provider}/${call.model}`],
        ["session", call.session === undefined ? "none" : String(call.session)],
        ...timing(call),
        ...usage(call),
      ]),
    ),
    ...section("Instructions", typeof request["instructions"] === "string" ? [request["instructions"]] : []),
    ...section("Prompt", ((request["messages"] ?? []) as Message[]).flatMap(messageLines)),
    // An embedding call's text (`agent.embed`).
    ...section("Text", typeof request["text"] === "string" ? request["text"].split("\n") : []),
    ...section("Schema", request["schema"] === undefined ? [] : prettyJson(request["schema"])),
    ...section("Tools", ((request["tools"] ?? []) as { name: string; description?: string }[]).flatMap(toolLines)),
    ...section("Options", Object.keys(options).length === 0 ? [] : prettyJson(options)),
    ...section("Answer", call.answer === undefined ? [] : answerLines(call.answer)),
    ...listSection("Failed attempts", call.attempts, (attempt) => [
      formatTimestamp(attempt.at),
      `session ${attempt.session}`,
      `${attempt.provider}/${attempt.model}`,
      `attempt ${attempt.attempt}${attempt.viaBatch ? " (batch)" : ""}`,
      [attempt.kind, attempt.statusCode].filter((part) => part !== undefined).join(" "),
      attempt.message,
    ]),
    ...listSection("Batches", call.batches, (batch) => [
      `batch ${batch.id}`,
      batch.providerBatchId ?? "(not submitted)",
      batch.state,
      `session ${batch.session}`,
      formatTimestamp(batch.createdAt),
    ]),
    ...listSection("Answers received", call.answers, (answer) => [
      formatTimestamp(answer.receivedAt),
      `session ${answer.session}`,
      answer.viaBatch ? "by batch" : "direct",
      answer.inUse ? "in use" : "replaced",
      answer.result.responseId ?? "",
    ]),
  ];
}

// --- internal ---

function statusText(call: CallDetail): string {
  const colour = { answered: pc.green, pending: pc.cyan, failed: pc.red, unanswered: pc.yellow }[call.status];
  return colour(call.status);
}

function timing(call: CallDetail): string[][] {
  const rows: string[][] = [];
  if (call.sentAt !== undefined) rows.push(["sent", formatTimestamp(call.sentAt)]);
  if (call.receivedAt !== undefined) rows.push(["received", formatTimestamp(call.receivedAt)]);
  if (call.sentAt !== undefined && call.receivedAt !== undefined) {
    rows.push(["latency", formatDuration(call.receivedAt - call.sentAt)]);
  }
  return rows;
}

function usage(call: CallDetail): string[][] {
  const tokens = call.answer?.usage;
  if (!tokens) return [];
  const count = (value: number | undefined) => (value === undefined ? "?" : formatCount(value));
  const cached = tokens.cachedInputTokens ? ` (${formatCount(tokens.cachedInputTokens)} cached)` : "";
  const reasoning = tokens.reasoningTokens ? ` (${formatCount(tokens.reasoningTokens)} reasoning)` : "";
  return [
    ["tokens", `${count(tokens.inputTokens)} in${cached}, ${count(tokens.outputTokens)} out${reasoning}`],
    // An answer without an input token count (Gemini's direct embeddings) has no cost to tell.
    ["cost", formatMoney(call.cost, tokens.inputTokens === undefined ? 1 : 0)],
    ["finish", `${call.answer?.finishReason.unified}${call.answer?.model ? ` (${call.answer.model})` : ""}`],
  ];
}

function section(title: string, lines: readonly string[]): string[] {
  return lines.length === 0 ? [] : ["", pc.bold(title), ...indent(lines)];
}

/** A section titled with its count, one table row per item (none when there are no items). */
function listSection<T>(title: string, items: readonly T[], row: (item: T) => string[]): string[] {
  return section(`${title} (${items.length})`, formatTable(items.map(row)));
}

function messageLines(message: Message): string[] {
  return message.content.flatMap((part, index) => {
    const role = index === 0 ? `[${message.role}] ` : "";
    return partLines(part).map((line, lineIndex) => (lineIndex === 0 ? role + line : line));
  });
}

function partLines(part: ContentPart): string[] {
  switch (part.type) {
    case "text":
      return part.text.split("\n");
    case "image":
    case "file": {
      const name = part.type === "file" && part.filename ? ` ${part.filename}` : "";
      const where =
        typeof part.data === "string"
          ? `, ${formatBytes(base64Bytes(part.data.length, part.data.slice(-2)))}`
          : part.url === undefined
            ? ", its stored bytes are missing"
            : ` at ${part.url}`;
      return [pc.dim(`(${part.type}${name}: ${part.mediaType}${where})`)];
    }
    case "tool-call":
      return [`tool call ${part.name}(${JSON.stringify(part.args)})`];
    case "tool-result":
      return [`tool result ${part.name}${part.isError ? " (error)" : ""}: ${JSON.stringify(part.output)}`];
  }
}

function toolLines(tool: { readonly name: string; readonly description?: string }): string[] {
  return [`${tool.name}${tool.description ? `: ${tool.description}` : ""}`];
}

function answerLines(answer: LLMResult): string[] {
  if (answer.embedding) return [vectorLine(answer.embedding)];
  const lines = answer.text === "" ? [] : structured(answer.text);
  for (const call of answer.toolCalls) lines.push(`tool call ${call.name}(${JSON.stringify(call.args)})`);
  return lines;
}

/** A vector as its length and first values, never whole (a few thousand numbers say nothing on a terminal). */
export function vectorLine(vector: Float32Array): string {
  const start = Array.from(vector.subarray(0, 4), (value) => value.toPrecision(4)).join(", ");
  return `vector of ${vector.length} dimensions: [${start}${vector.length > 4 ? ", …" : ""}]`;
}

/** Structured output pretty-printed; any other text as it is. */
function structured(text: string): string[] {
  if (/^\s*[[{]/.test(text)) {
    try {
      return prettyJson(JSON.parse(text));
    } catch {
      // Not JSON after all: shown as text.
    }
  }
  return text.split("\n");
}

function prettyJson(value: unknown): string[] {
  return JSON.stringify(value, null, 2).split("\n");
}
