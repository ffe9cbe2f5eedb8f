/**
 * `pllm calls [dir]`: one line per call, filtered (`--agent` takes a glob) and
 * paged. `--offset` skips that many calls, as a user expects of an offset; a
 * large offset reads through the calls it skips (page by keyset, 10,000 at a time).
 */
import { defineCommand } from "citty";
import type { CallFilter, CallRow, WorkspaceReader } from "../store/workspace-reader.js";
import { UsageError } from "./cli-error.js";
import { formatCount } from "./format-number.js";
import { formatTable, oneLine } from "./format-table.js";
import {
  callFilterArgs,
  callFilterOf,
  printJson,
  printLines,
  wholeNumber,
  withWorkspace,
  workspaceArgs,
} from "./workspace-args.js";

const maxLimit = 10_000;

export const callsCommand = defineCommand({
  meta: { name: "calls", description: "One line per call: agent, status, model, tokens and the answer's first words" },
  args: {
    ...workspaceArgs,
    ...callFilterArgs,
    limit: {
      type: "string",
      default: "50",
      description: `Calls to list (1 to ${formatCount(maxLimit)})`,
      valueHint: "number",
    },
    offset: { type: "string", default: "0", description: "Calls to skip first", valueHint: "number" },
  },
  async run({ args }) {
    const filter = callFilterOf(args);
    const limit = wholeNumber(String(args.limit), "--limit", 1);
    if (limit > maxLimit) throw new UsageError(`--limit takes at most ${formatCount(maxLimit)}; got ${limit}.`);
    const offset = wholeNumber(String(args.offset), "--offset");
    await withWorkspace(args, async (reader) => {
      const { calls, more } = await callsAt(reader, filter, offset, limit);
      const next = more ? offset + calls.length : undefined;
      if (args.json) {
        printJson({ calls, offset, next });
        return;
      }
      const lines = calls.length === 0 ? ["No calls match."] : callLines(calls);
      if (next !== undefined) lines.push(`… more: --offset ${next}`);
      printLines(lines);
    });
  },
});

/** `limit` calls after skipping `offset`, and whether more follow. */
async function callsAt(
  reader: WorkspaceReader,
  filter: CallFilter,
  offset: number,
  limit: number,
): Promise<{ readonly calls: CallRow[]; readonly more: boolean }> {
  let after: string | undefined;
  let skip = offset;
  while (skip > 0) {
    const page = await reader.calls({ ...filter, after, limit: Math.min(skip, maxLimit) });
    skip -= page.calls.length;
    after = page.next;
    if (after === undefined) return { calls: [], more: false };
  }
  const page = await reader.calls({ ...filter, after, limit });
  const more =
    page.next !== undefined && (await reader.calls({ ...filter, after: page.next, limit: 1 })).calls.length > 0;
  return { calls: [...page.calls], more };
}

/** Calls as a table, one line each (also how `pllm show` lists the calls a hash prefix matches). */
export function callLines(calls: readonly CallRow[]): string[] {
  return formatTable(
    [
      ["id", "agent", "#", "hash", "status", "provider/model", "session", "tokens in/out", "answer"],
      ...calls.map((call) => [
        call.id === undefined ? "" : String(call.id),
        call.agent,
        String(call.occurrence),
        call.hash.slice(0, 10),
        call.status,
        call.provider === undefined ? "" : `${call.provider}/${call.model}`,
        call.session === undefined ? "" : String(call.session),
        call.status === "answered" ? `${tokens(call.inputTokens)}/${tokens(call.outputTokens)}` : "",
        call.dimensions !== undefined
          ? `vector of ${call.dimensions} dimensions`
          : call.text === undefined
            ? ""
            : oneLine(call.text, 60),
      ]),
    ],
    ["right", "left", "right", "left", "left", "left", "right", "right"],
  );
}

/** A token count, or `?` where the provider reported none. */
function tokens(count: number | undefined): string {
  return count === undefined ? "?" : formatCount(count);
}
