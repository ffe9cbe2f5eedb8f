/**
 * `pllm show <call> [dir]`: one call whole. `<call>` is a call id (as `pllm
 * calls` lists it) or the first characters of a request hash; a prefix that
 * matches several calls lists them and asks for more (`--agent`, `--occurrence`).
 */
import { defineCommand } from "citty";
import type { CallKey } from "../store/store.js";
import type { CallDetail, CallRow, WorkspaceReader } from "../store/workspace-reader.js";
import { callLines } from "./calls-command.js";
import { CliError, UsageError } from "./cli-error.js";
import { callDetailLines } from "./format-call.js";
import { formatCount } from "./format-number.js";
import { printJson, printLines, wholeNumber, withWorkspace, workspaceArgs } from "./workspace-args.js";

/** Calls a hash prefix may match before the list is cut. */
const listed = 20;

export const showCommand = defineCommand({
  meta: { name: "show", description: "One call whole: request, answer, usage, cost, timing, attempts and batches" },
  args: {
    call: { type: "positional", required: true, description: "A call id (pllm calls lists them) or a hash prefix" },
    ...workspaceArgs,
    agent: { type: "string", description: "Only the calls of this agent (for a hash prefix)" },
    occurrence: { type: "string", description: "Only this occurrence (0, 1, …) of the request", valueHint: "number" },
    raw: { type: "boolean", description: "Print the provider's response as received (kept with keepRaw: true)" },
  },
  async run({ args }) {
    const wanted = String(args.call);
    if (!/^[\w-]+$/.test(wanted)) {
      throw new UsageError(`<call> takes a call id or the first characters of a request hash; got "${wanted}".`);
    }
    const agent = args.agent === undefined || args.agent === "" ? undefined : String(args.agent);
    const occurrence = args.occurrence === undefined ? undefined : wholeNumber(String(args.occurrence), "--occurrence");
    await withWorkspace(args, async (reader) => {
      const call = await findCall(reader, wanted, agent, occurrence);
      if (args.raw) printJson(rawResponseOf(call));
      else if (args.json) printJson(call);
      else printLines(callDetailLines(call));
    });
  },
});

/** The provider's response of the answer in use, or why there is none. */
function rawResponseOf(call: CallDetail): unknown {
  if (call.answer === undefined) {
    throw new CliError(
      `Call ${call.agent} #${call.occurrence} has no answer, so no raw response; pllm show without --raw shows its attempts.`,
    );
  }
  if (call.raw === undefined) {
    throw new CliError(
      `No raw response is stored for call ${call.agent} #${call.occurrence}: it was answered without keepRaw: true (the default keeps none). Open the workspace with keepRaw: true to keep them for new answers.`,
    );
  }
  return call.raw;
}

/** The one call `wanted` names: its id when a call has that id, else the calls whose hash starts so. */
async function findCall(
  reader: WorkspaceReader,
  wanted: string,
  agent: string | undefined,
  occurrence: number | undefined,
): Promise<CallDetail> {
  const narrowed = (key: CallKey) =>
    (agent === undefined || key.agent === agent) && (occurrence === undefined || key.occurrence === occurrence);
  if (/^\d+$/.test(wanted) && Number.isSafeInteger(Number(wanted)) && Number(wanted) > 0) {
    const byId = await reader.call(Number(wanted));
    if (byId && narrowed(byId)) return byId;
  }
  const matches: CallRow[] = [];
  for await (const row of reader.eachCall({ hash: wanted, agent, pageSize: 100 })) {
    if (narrowed(row)) matches.push(row);
    if (matches.length > listed) break;
  }
  const narrowing = [agent && `agent ${agent}`, occurrence !== undefined && `occurrence ${occurrence}`].filter(Boolean);
  const among = narrowing.length > 0 ? ` (${narrowing.join(", ")})` : "";
  if (matches.length === 0) {
    throw new CliError(
      `No call in ${reader.location} has the id or hash prefix "${wanted}"${among}. pllm calls lists the calls with their ids and hashes.`,
    );
  }
  if (matches.length > 1) {
    printLines(callLines(matches.slice(0, listed)));
    if (matches.length > listed) process.stdout.write(`… and more\n`);
    const count = matches.length > listed ? `More than ${formatCount(listed)}` : formatCount(matches.length);
    throw new CliError(
      `${count} calls match "${wanted}"${among}: give more of the hash, or narrow with --agent and --occurrence.`,
    );
  }
  const detail = await reader.call(matches[0]);
  if (!detail) throw new CliError(`The call "${wanted}" was not found; run pllm show again.`);
  return detail;
}
