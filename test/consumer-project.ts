/**
 * A new project that installs parallellm as a user would: `npm pack` (whose
 * `prepare` builds dist/), then `npm install` of that tarball. It works
 * offline: the install is pinned by a lockfile made from the repository's
 * own, so every package comes from the npm cache that `npm ci` filled.
 */
import { type SpawnSyncOptions, type SpawnSyncReturns, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
/**
 * What the consumer installs besides parallellm: the libraries its code (and the README's)
 * imports, and Node's types.
 */
const consumerDependencies = [
  "zod",
  "openai",
  "@anthropic-ai/sdk",
  "@google/genai",
  "ai",
  "@ai-sdk/provider",
  "@ai-sdk/openai",
  "@ai-sdk/mistral",
  "@types/node",
];

export interface ConsumerProject {
  readonly directory: string;
  /** The paths in the tarball, as `npm pack` listed them. */
  readonly packedFiles: readonly string[];
  /** Run a command in the project; throws with its output if it fails to start or times out. */
  run(command: string, args: readonly string[], options?: SpawnSyncOptions): SpawnSyncReturns<string>;
  remove(): void;
}

/** Packs the repository and installs the tarball into a new project in the temporary directory. */
export function makeConsumerProject(): ConsumerProject {
  const directory = mkdtempSync(join(tmpdir(), "pllm-consumer-"));
  const run = (command: string, args: readonly string[], options: SpawnSyncOptions = {}) => {
    const result = spawnSync(command, args, { cwd: directory, encoding: "utf8", timeout: 180_000, ...options });
    if (result.error) throw new Error(`${command} ${args.join(" ")}: ${result.error.message}`, { cause: result.error });
    return result as SpawnSyncReturns<string>;
  };
  const succeed = (command: string, args: readonly string[], options: SpawnSyncOptions = {}) => {
    const result = run(command, args, options);
    if (result.status !== 0) {
      throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
    }
    return result;
  };
  try {
    const packed = JSON.parse(
      succeed("npm", ["pack", "--json", "--pack-destination", directory], { cwd: root }).stdout,
    );
    const { filename, files } = packed[0] as { filename: string; files: { path: string }[] };
    writeLockedManifest(directory, `file:${filename}`);
    succeed("npm", ["install", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"]);
    copyNativeBinding(directory);
    return {
      directory,
      packedFiles: files.map((file) => file.path),
      run,
      remove: () => rmSync(directory, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}

// --- internal ---

interface LockedPackage {
  readonly version?: string;
  readonly dev?: boolean;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

/** package.json and a package-lock.json holding the repository's locked versions of what the consumer installs. */
function writeLockedManifest(directory: string, parallellm: string): void {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
  const ranges: Record<string, string> = { ...manifest.devDependencies, ...manifest.dependencies };
  const dependencies = Object.fromEntries([
    ["parallellm", parallellm],
    ...consumerDependencies.map((name) => [name, ranges[name]]),
  ]);
  const locked = lock.packages as Record<string, LockedPackage>;
  // The runtime tree (the dependencies' closure, as the repository locked it), and @types/node's.
  const packages: Record<string, LockedPackage> = {};
  const add = (path: string) => {
    const entry = locked[path];
    if (!entry || packages[path]) return;
    const { dev: _dev, ...rest } = entry;
    packages[path] = rest;
    const needs = { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies };
    for (const name of Object.keys(needs)) add(resolveLocked(locked, path, name));
  };
  for (const name of [...Object.keys(manifest.dependencies), ...consumerDependencies]) add(`node_modules/${name}`);
  writeFileSync(
    join(directory, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module", dependencies }, null, 2),
  );
  writeFileSync(
    join(directory, "package-lock.json"),
    JSON.stringify(
      { name: "consumer", lockfileVersion: 3, requires: true, packages: { "": { dependencies }, ...packages } },
      null,
      2,
    ),
  );
}

/** Where Node would find `name` from the package at `from`: its own node_modules, then each one above. */
function resolveLocked(locked: Record<string, LockedPackage>, from: string, name: string): string {
  let base = from;
  while (base) {
    const path = `${base}/node_modules/${name}`;
    if (locked[path]) return path;
    const parent = base.lastIndexOf("/node_modules/");
    base = parent === -1 ? "" : base.slice(0, parent);
  }
  return `node_modules/${name}`;
}

/**
 * better-sqlite3 is installed without its build step (which compiles for
 * minutes offline); the binary the repository's own install built is the same
 * version for the same Node, so it is copied in.
 */
function copyNativeBinding(directory: string): void {
  const version = (base: string) =>
    JSON.parse(readFileSync(join(base, "node_modules", "better-sqlite3", "package.json"), "utf8")).version;
  if (version(directory) !== version(root)) {
    throw new Error(`The consumer got better-sqlite3 ${version(directory)}, the repository has ${version(root)}.`);
  }
  const binary = join("node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node");
  mkdirSync(join(directory, binary, ".."), { recursive: true });
  copyFileSync(join(root, binary), join(directory, binary));
}
