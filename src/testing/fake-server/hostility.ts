/**
 * Hostile responses (`server.setHostility`): successful answers spoiled the
 * ways real providers and proxies spoil them — cut-off JSON, answers without
 * choices, huge bodies — and batch results with truncated, repeated,
 * conflicting or foreign lines. Applied after routing, so every route keeps
 * its normal behaviour underneath.
 */
import { checkHostility } from "../check-testing-options.js";
import type { HostileKind, Hostility, ReplyContext } from "./fake-server-types.js";
import { isObject } from "./json-shape.js";
import type { WireResponse } from "./provider-routes.js";
import { checkTimes, matchesContext } from "./script-book.js";

/** The hostilities in force, with their remaining uses; `spoil` is asked once per answered request. */
export class HostilityPlan {
  #entries: { readonly hostility: Hostility; remaining: number }[] = [];

  set(hostilities: Hostility | readonly Hostility[] | undefined): void {
    const list = hostilities === undefined ? [] : Array.isArray(hostilities) ? hostilities : [hostilities];
    for (const hostility of list as readonly Hostility[]) {
      checkHostility(hostility);
      if (!_kinds.includes(hostility.kind)) {
        throw new TypeError(
          `[parallellm] [fake-server] Unknown hostility kind \`${String(hostility.kind)}\`; use one of ${_kinds.join(", ")}.`,
        );
      }
      checkTimes(hostility.times, "setHostility()");
    }
    this.#entries = (list as readonly Hostility[]).map((hostility) => ({
      hostility,
      remaining: hostility.times ?? Number.POSITIVE_INFINITY,
    }));
  }

  /** `response` as the hostilities in force spoil it (each matching one used once), or unchanged. */
  spoil(method: string, context: ReplyContext, response: WireResponse): WireResponse {
    if (response.status !== 200 || this.#entries.length === 0) return response;
    const target = _target(method, context);
    if (target === undefined) return response;
    let spoiled = response;
    for (const entry of this.#entries) {
      const { hostility } = entry;
      if (entry.remaining <= 0 || _directKinds.includes(hostility.kind) !== (target === "direct")) continue;
      if (hostility.provider !== undefined && hostility.provider !== context.provider) continue;
      if (target === "direct" && !matchesContext(hostility.match, context)) continue;
      const next = target === "direct" ? _spoilDirect(hostility, spoiled) : _spoilResults(hostility, context, spoiled);
      if (next === spoiled) continue;
      entry.remaining -= 1;
      spoiled = next;
    }
    return spoiled;
  }
}

// --- internal ---

const _directKinds: readonly HostileKind[] = ["malformed-json", "empty-choices", "huge-body"];
const _kinds: readonly HostileKind[] = [
  ..._directKinds,
  "truncate-line",
  "duplicate-line",
  "conflicting-line",
  "unknown-custom-id",
];

/** Which responses carry answers: a generation (`direct`) or a finished batch's results (`results`). */
function _target(method: string, context: ReplyContext): "direct" | "results" | undefined {
  const { path, provider } = context;
  if (method === "POST") {
    const direct =
      (provider === "openai" && (path === "/v1/responses" || path === "/v1/chat/completions")) ||
      (provider === "anthropic" && path === "/v1/messages") ||
      (provider === "google" && path.endsWith(":generateContent"));
    return direct ? "direct" : undefined;
  }
  if (method !== "GET") return undefined;
  if (provider === "openai" && /^\/v1\/files\/[^/]+\/content$/.test(path)) return "results";
  if (provider === "anthropic" && /^\/v1\/messages\/batches\/[^/]+\/results$/.test(path)) return "results";
  if (provider === "google" && /\/batches\/[^/]+$/.test(path)) return "results";
  return undefined;
}

function _spoilDirect(hostility: Hostility, response: WireResponse): WireResponse {
  const body = response.body;
  switch (hostility.kind) {
    case "malformed-json": {
      const json = JSON.stringify(body);
      return {
        ...response,
        headers: { ...response.headers, "content-type": "application/json" },
        body: Buffer.from(json.slice(0, Math.floor(json.length / 2))),
      };
    }
    case "empty-choices":
      return { ...response, body: _withoutAnswer(body) };
    default:
      return { ...response, body: _mapAnswerTexts(body, () => _hugeText(hostility.bytes ?? 8 * 1024 * 1024)) };
  }
}

/** The envelope with its answer list emptied: `choices`, `output`, `content` or `candidates`. */
function _withoutAnswer(body: unknown): unknown {
  if (!isObject(body)) return body;
  for (const field of ["choices", "output", "content", "candidates"]) {
    if (Array.isArray(body[field])) return { ...body, [field]: [] };
  }
  return body;
}

/** Every answer text (`text`, or a string `content`) replaced; the structure stays as it was. */
function _mapAnswerTexts(value: unknown, replace: (text: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => _mapAnswerTexts(item, replace));
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [
      key,
      (key === "text" || key === "content") && typeof field === "string"
        ? replace(field)
        : _mapAnswerTexts(field, replace),
    ]),
  );
}

function _hugeText(bytes: number): string {
  const line = "A huge answer from a hostile provider. ";
  return line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes);
}

function _spoilResults(hostility: Hostility, context: ReplyContext, response: WireResponse): WireResponse {
  if (context.provider === "google") return _spoilInlined(hostility, response);
  if (!Buffer.isBuffer(response.body)) return response;
  const lines = response.body
    .toString("utf8")
    .split("\n")
    .filter((line) => line.trim() !== "");
  if (lines.length === 0) return response;
  const idField = (line: Record<string, unknown>) => ({ ...line, custom_id: `unknown-${String(line.custom_id)}` });
  let text: string;
  switch (hostility.kind) {
    case "truncate-line": {
      // A download cut off in the middle of its last line.
      const last = lines.at(-1)!;
      text = [...lines.slice(0, -1), last.slice(0, Math.floor(last.length / 2))].join("\n");
      break;
    }
    case "duplicate-line":
      text = `${[...lines, lines[0]].join("\n")}\n`;
      break;
    case "conflicting-line":
      // First, so that a reader keeping the first result it sees would keep the wrong one.
      text = `${[JSON.stringify(_mapAnswerTexts(JSON.parse(lines[0]), _conflicting)), ...lines].join("\n")}\n`;
      break;
    default:
      text = `${[...lines, JSON.stringify(idField(JSON.parse(lines[0])))].join("\n")}\n`;
  }
  return { ...response, body: Buffer.from(text, "utf8") };
}

/** Gemini batch results are entries of the Operation's inline output, in `metadata.output` and `response`. */
function _spoilInlined(hostility: Hostility, response: WireResponse): WireResponse {
  const operation = response.body;
  if (!isObject(operation) || operation.done !== true) return response;
  const entries = _inlined(isObject(operation.metadata) ? operation.metadata.output : undefined);
  if (!entries || entries.length === 0) return response;
  let spoiled: unknown[];
  switch (hostility.kind) {
    case "truncate-line": {
      // What is left of a cut-off entry: its key, without a response or error.
      const last = entries.at(-1);
      spoiled = [...entries.slice(0, -1), { metadata: isObject(last) ? last.metadata : undefined }];
      break;
    }
    case "duplicate-line":
      spoiled = [...entries, entries[0]];
      break;
    case "conflicting-line":
      spoiled = [_mapAnswerTexts(entries[0], _conflicting), ...entries];
      break;
    default: {
      const first = isObject(entries[0]) ? entries[0] : {};
      const key = isObject(first.metadata) ? String(first.metadata.key) : "";
      spoiled = [...entries, { ...first, metadata: { key: `unknown-${key}` } }];
    }
  }
  const output = { inlinedResponses: { inlinedResponses: spoiled } };
  const metadata = isObject(operation.metadata) ? { ...operation.metadata, output } : operation.metadata;
  const body = isObject(operation.response)
    ? { ...operation, metadata, response: { ...operation.response, ...output } }
    : { ...operation, metadata };
  return { ...response, body };
}

function _inlined(output: unknown): unknown[] | undefined {
  if (!isObject(output) || !isObject(output.inlinedResponses)) return undefined;
  const list = output.inlinedResponses.inlinedResponses;
  return Array.isArray(list) ? list : undefined;
}

function _conflicting(text: string): string {
  return `${text} (a different answer under the same id)`;
}
