/**
 * Which archived batch files (`batches/`) `pllm gc` removes and which it keeps.
 * An input file is what was uploaded: once its batch was ingested or abandoned,
 * every request in it is in the store (its calls' canonical requests and
 * documents), and nothing reads the file again. An output file is the
 * provider's results as received, which the store keeps only as mapped
 * answers: kept for an audit. A re-ingest never needs either (an ingest cut off
 * downloads the results again). A file whose tag names no batch in the store
 * (the input of a preview never submitted, or of an approval declined) is
 * nothing's. Files of open batches are kept, and files not named by this
 * library are not touched.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export interface ArchiveFileVerdict {
  /** Relative to the workspace (`batches/<tag>.input.jsonl`). */
  readonly path: string;
  readonly bytes: number;
  readonly remove: boolean;
  readonly reason: string;
}

/** Every archived batch file of `workspace`, with whether gc removes it and why; `states` by batch tag. */
export function judgeArchiveFiles(workspace: string, states: ReadonlyMap<string, string>): ArchiveFileVerdict[] {
  let names: string[];
  try {
    names = readdirSync(join(workspace, "batches")).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return names.flatMap((name) => {
    const match = /^(.+)\.(input|output)\.jsonl$/.exec(name);
    if (!match) return [];
    const path = join("batches", name);
    const stats = statSync(join(workspace, path));
    if (!stats.isFile()) return [];
    return [{ path, bytes: stats.size, ..._verdict(states.get(match[1]), match[2] as "input" | "output") }];
  });
}

// --- internal ---

function _verdict(state: string | undefined, kind: "input" | "output"): { remove: boolean; reason: string } {
  if (state === undefined) return { remove: true, reason: "no batch in the store has its tag (never submitted)" };
  if (state === "submitting" || state === "pending") return { remove: false, reason: `its batch is ${state}` };
  if (kind === "input") return { remove: true, reason: `its batch is ${state}; its requests are in the store` };
  if (state === "ingested") return { remove: false, reason: "the provider's results as received, for an audit" };
  return { remove: true, reason: `its batch is ${state}: no results of its own` };
}
