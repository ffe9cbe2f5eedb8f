/**
 * `pllm failures [dir]`: the calls without an answer whose latest attempt
 * failed: who asked, which model, what the provider said, how many attempts.
 */
import { defineCommand } from "citty";
import { formatCount } from "./format-number.js";
import { formatTable, moreLines, oneLine } from "./format-table.js";
import { formatAge } from "./format-time.js";
import { printJson, printLines, wholeNumber, withWorkspace, workspaceArgs } from "./workspace-args.js";

export const failuresCommand = defineCommand({
  meta: { name: "failures", description: "Calls without an answer whose latest attempt failed" },
  args: {
    ...workspaceArgs,
    limit: {
      type: "string",
      default: "100",
      description: "Failed calls to list in the text output",
      valueHint: "number",
    },
  },
  async run({ args }) {
    const limit = wholeNumber(String(args.limit), "--limit", 1);
    await withWorkspace(args, async (reader) => {
      const failures = await reader.failures();
      if (args.json) {
        printJson(failures);
        return;
      }
      if (failures.length === 0) {
        process.stdout.write("No failed calls.\n");
        return;
      }
      const now = Date.now();
      const lines = [
        `${formatCount(failures.length)} failed call${failures.length === 1 ? "" : "s"} (pllm show <hash> shows one whole):`,
        ...formatTable(
          [
            ["agent", "#", "hash", "provider/model", "kind", "status", "attempts", "when", "message"],
            ...failures
              .slice(0, limit)
              .map((failure) => [
                failure.agent,
                String(failure.occurrence),
                failure.hash.slice(0, 10),
                `${failure.provider}/${failure.model}`,
                failure.kind,
                failure.statusCode === undefined ? "" : String(failure.statusCode),
                `${formatCount(failure.attempts)}${failure.batchAttempts > 0 ? ` (${formatCount(failure.batchAttempts)} in batches)` : ""}`,
                formatAge(failure.at, now),
                oneLine(failure.message, 100),
              ]),
          ],
          ["left", "right", "left", "left", "left", "right", "right"],
        ),
        ...moreLines(failures.length - limit, "more (--limit shows more, --json all)"),
      ];
      printLines(lines);
    });
  },
});
