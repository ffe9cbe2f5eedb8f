/** The workspace directory, made if missing. */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { StoreError } from "../core/errors.js";

/** The absolute path of `directory`, created (with its parents) if it does not exist. */
export function makeWorkspaceDirectory(directory: string): string {
  const path = resolve(directory);
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    throw new StoreError(
      `Cannot create the workspace directory ${path}: ${(error as Error).message}. Choose a path you can write to.`,
      { cause: error },
    );
  }
  return path;
}
