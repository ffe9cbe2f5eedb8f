/** Load a pipeline module (TypeScript or JavaScript) for `pllm run`. */
import { existsSync } from "node:fs";
import { basename, extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import type { Parallellm } from "../parallellm.js";
import type { ParallellmOptions } from "../parallellm-options.js";
import { CliError } from "./cli-error.js";

export interface PipelineModule {
  /** The pipeline: `export default async function (pllm) { ... }`. */
  readonly run: (pllm: Parallellm) => Promise<unknown>;
  /** `export const workspace = ".pllm/x"`; default `.pllm/<file name>`. */
  readonly workspace: string;
  /** `export const options = { llm: "...", strategy: "batch" }`. */
  readonly options: ParallellmOptions;
}

export async function loadPipeline(path: string): Promise<PipelineModule> {
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new CliError(`No pipeline file at ${absolute}.`);
  let module: Record<string, unknown>;
  try {
    module = await tsImport(pathToFileURL(absolute).href, import.meta.url);
  } catch (error) {
    throw new CliError(`Cannot load ${path}: ${(error as Error).message}`, { cause: error });
  }
  const run = module["default"] ?? module["pipeline"];
  if (typeof run !== "function") {
    throw new CliError(
      `${path} has no pipeline: export one with \`export default async function (pllm) { ... }\` (or \`export const pipeline\`).`,
    );
  }
  const workspace =
    typeof module["workspace"] === "string" ? module["workspace"] : `.pllm/${basename(absolute, extname(absolute))}`;
  const options = (module["options"] ?? {}) as ParallellmOptions;
  return { run: run as PipelineModule["run"], workspace, options };
}
