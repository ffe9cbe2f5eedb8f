/**
 * The package as `npm pack` ships it, installed into a new project: it
 * imports, runs a pipeline offline, answers require() on every Node that
 * `engines` allows, starts its commands, and type-checks under the strictest
 * settings a new TypeScript project gets, without skipLibCheck.
 */
import { spawn } from "node:child_process";
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsumerProject, makeConsumerProject } from "./consumer-project.js";

const root = resolve(import.meta.dirname, "..");
const fixtures = join(import.meta.dirname, "fixtures", "consumer");
/** Every entry point of the package, as require.cjs tries them. */
const subpaths = [
  "parallellm",
  "parallellm/testing",
  "parallellm/openai",
  "parallellm/anthropic",
  "parallellm/google",
  "parallellm/ai-sdk",
  "parallellm/mistral",
];
let project: ConsumerProject;

beforeAll(() => {
  project = makeConsumerProject();
}, 420_000);
afterAll(() => project?.remove());

describe("the packed package", () => {
  it("holds the build, the license and the readme, and no sources or tests", () => {
    expect(project.packedFiles).toEqual(expect.arrayContaining(["LICENSE", "README.md", "package.json"]));
    expect(project.packedFiles).toEqual(expect.arrayContaining(["dist/index.js", "dist/testing/index.d.ts"]));
    const beside = ["LICENSE", "README.md", "package.json"];
    expect(project.packedFiles.filter((path) => !path.startsWith("dist/") && !beside.includes(path))).toEqual([]);
    expect(project.packedFiles.filter((path) => /\.test\./.test(path))).toEqual([]);
  });

  it("has source maps whose sources are embedded", () => {
    const dist = join(project.directory, "node_modules", "parallellm", "dist");
    const maps = readdirSync(dist, { recursive: true, encoding: "utf8" }).filter((path) => path.endsWith(".js.map"));
    expect(maps.length).toBeGreaterThan(50);
    const unresolved = maps.filter((path) => {
      const map = JSON.parse(readFileSync(join(dist, path), "utf8"));
      return map.sources.length === 0 || map.sourcesContent?.length !== map.sources.length;
    });
    expect(unresolved).toEqual([]);
  });

  it("runs a pipeline offline through its ES module entry points, and replays it", () => {
    copyFileSync(join(fixtures, "pipeline.mjs"), join(project.directory, "pipeline.mjs"));
    const runs = [1, 2].map(() =>
      project.run(process.execPath, ["pipeline.mjs", ".pllm/consumer"], { timeout: 60_000 }),
    );
    expect(runs.map((run) => run.stderr)).toEqual([expect.stringContaining("1 sent"), expect.any(String)]);
    expect(runs.map((run) => JSON.parse(run.stdout))).toEqual([
      { winner: expect.stringMatching(/^(home|away)$/), sent: 1, replayed: 0 },
      { winner: expect.stringMatching(/^(home|away)$/), sent: 0, replayed: 1 },
    ]);
  });

  it("loads through require() where Node can require an ES module, and says it is ESM-only where it cannot", () => {
    copyFileSync(join(fixtures, "require.cjs"), join(project.directory, "require.cjs"));
    const required = project.run(process.execPath, ["require.cjs"], { timeout: 60_000 });
    const refused = project.run(process.execPath, ["--no-experimental-require-module", "require.cjs"], {
      timeout: 60_000,
    });
    const esmOnly = expect.stringMatching(
      /^ERR_REQUIRE_ESM parallellm is an ES module, .* `await import\("parallellm"\)`/,
    );
    const [main, testing, ...factories] = required.stdout.trim().split("\n");
    if (process.features.require_module) {
      expect(main).toMatch(/^parallellm: .*\bParallellm\b/);
      expect(testing).toMatch(/^parallellm\/testing: .*\bMockProvider\b/);
      expect(factories).toEqual([
        "parallellm/openai: createAzureOpenAIProvider,createGroqProvider,createOpenAIProvider",
        "parallellm/anthropic: createAnthropicProvider",
        "parallellm/google: createGoogleProvider",
        "parallellm/ai-sdk: AiSdkProvider,fromAiSdk,parallellmCache",
        "parallellm/mistral: createMistralProvider",
      ]);
    } else {
      expect([main, testing, ...factories]).toEqual(subpaths.map((entry) => `${entry}: ${esmOnly}`));
    }
    expect(refused.stdout.trim().split("\n")).toEqual(
      subpaths.map((entry) =>
        expect.stringMatching(new RegExp(`^${entry}: ERR_REQUIRE_ESM parallellm is an ES module`)),
      ),
    );
  });

  it("loads every entry point without its optional peers: none reaches the AI SDK, OpenTelemetry or pg statically", () => {
    const dist = join(project.directory, "node_modules", "parallellm", "dist");
    const staticImports = (path: string) =>
      [...readFileSync(path, "utf8").matchAll(/^(?:import|export)\s[^;]*?from\s*"([^"]+)"|^import\s*"([^"]+)"/gm)].map(
        (match) => (match[1] ?? match[2])!,
      );
    // The packages each entry point loads as it is imported, through its static imports only.
    const reached = (entry: string) => {
      const packages = new Set<string>();
      const seen = new Set<string>();
      const visit = (path: string) => {
        if (seen.has(path)) return;
        seen.add(path);
        for (const name of staticImports(path)) {
          if (name.startsWith(".")) visit(resolve(dirname(path), name));
          else packages.add(name.startsWith("@") ? name.split("/").slice(0, 2).join("/") : name.split("/")[0]!);
        }
      };
      visit(join(dist, entry));
      return [...packages].filter((name) => /^(ai|@ai-sdk\/.*|@opentelemetry\/.*|pg)$/.test(name));
    };
    const entries = [
      "index.js",
      "testing/index.js",
      "openai.js",
      "anthropic.js",
      "google.js",
      "ai-sdk.js",
      "mistral.js",
    ];
    expect(Object.fromEntries(entries.map((entry) => [entry, reached(entry)]))).toEqual(
      Object.fromEntries(entries.map((entry) => [entry, []])),
    );
    // The PostgreSQL entry point is pg's own; telemetry imports OpenTelemetry only when given a tracer.
    expect(reached("postgres.js")).toEqual(["pg"]);
    expect(reached("telemetry/otel-run-telemetry.js")).toEqual(["@opentelemetry/api"]);
  });

  it("runs two OpenAI-compatible endpoints in one run through the provider factories' entry points", () => {
    copyFileSync(join(fixtures, "endpoints.mjs"), join(project.directory, "endpoints.mjs"));
    const run = project.run(process.execPath, ["endpoints.mjs", ".pllm/endpoints"], { timeout: 60_000 });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({
      answered: 4,
      sent: 4,
      fast: ["small-model /v1/chat/completions"],
      big: expect.arrayContaining([
        "large-model /v1/responses",
        "claude-haiku-4-5 /v1/messages",
        expect.stringMatching(/^gemini-2\.5-flash \/v1beta\/models\/gemini-2\.5-flash:generateContent/),
      ]),
    });
  });

  it("installs the pllm and parallellm-fake commands", () => {
    for (const command of ["pllm", "parallellm-fake"]) {
      const help = project.run(join(project.directory, "node_modules", ".bin", command), ["--help"], {
        timeout: 60_000,
      });
      expect({ command, status: help.status }).toEqual({ command, status: 0 });
      expect(help.stdout).toMatch(/USAGE/);
    }
  });

  it("ships pllm view's page built: the installed command serves it without a bundler", async () => {
    expect(project.packedFiles).toEqual(
      expect.arrayContaining(["dist/view/assets/index.html", "dist/view/assets/app.js", "dist/view/assets/app.css"]),
    );
    copyFileSync(join(fixtures, "pipeline.mjs"), join(project.directory, "pipeline.mjs"));
    expect(project.run(process.execPath, ["pipeline.mjs", ".pllm/viewed"], { timeout: 60_000 }).status).toBe(0);
    const pllm = join(project.directory, "node_modules", ".bin", "pllm");
    const child = spawn(pllm, ["view", ".pllm/viewed", "--port", "0"], { cwd: project.directory });
    try {
      const url = await new Promise<string>((found, failed) => {
        let stdout = "";
        child.stdout.on("data", (chunk) => {
          stdout += chunk;
          const match = /at (http:\/\/\S+) /.exec(stdout);
          if (match) found(match[1]!);
        });
        child.once("exit", (code) => failed(new Error(`pllm view exited ${code}: ${stdout}`)));
      });
      const page = await fetch(url);
      expect([page.status, await page.text()]).toEqual([200, expect.stringContaining("/assets/app.js")]);
      const script = await fetch(new URL("/assets/app.js", url));
      expect([script.status, script.headers.get("content-type")]).toEqual([200, "text/javascript; charset=utf-8"]);
      const overview = (await (await fetch(new URL("/api/overview", url))).json()) as {
        overview: { sessionCount: number };
      };
      expect(overview.overview.sessionCount).toBe(1);
    } finally {
      child.kill("SIGINT");
    }
  });

  it("type-checks every TypeScript block of the README and a consumer file under tsc --init's settings", () => {
    const blocks = readmeTypeScriptBlocks(readFileSync(join(root, "README.md"), "utf8"));
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    const fileOf = (block: { line: number; code: string }) => {
      writeFileSync(join(project.directory, `readme-line-${block.line}.ts`), block.code);
      return `readme-line-${block.line}.ts`;
    };
    // The AI SDK's own declarations do not pass these settings without skipLibCheck (they need the
    // DOM's HeadersInit, json-schema's types and looser optional properties): the blocks that use it
    // are checked against parallellm's types with the library check skipped, all others without.
    const usesAiSdk = (block: { code: string }) => /from "(ai|@ai-sdk\/[^"]+|parallellm\/ai-sdk)"/.test(block.code);
    const aiSdkBlocks = blocks.filter(usesAiSdk);
    expect(aiSdkBlocks.length).toBeGreaterThanOrEqual(2);
    copyFileSync(join(fixtures, "consumer.ts"), join(project.directory, "consumer.ts"));
    const strictFiles = [...blocks.filter((block) => !usesAiSdk(block)).map(fileOf), "consumer.ts"];
    const checked = typeCheck("tsconfig.json", { ...tscInitForNode, files: strictFiles });
    expect(checked.stdout).toBe("");
    expect(checked.status).toBe(0);
    const aiSdkChecked = typeCheck("tsconfig.ai-sdk.json", {
      compilerOptions: { ...tscInitForNode.compilerOptions, skipLibCheck: true },
      files: aiSdkBlocks.map(fileOf),
    });
    expect(aiSdkChecked.stdout).toBe("");
    expect(aiSdkChecked.status).toBe(0);
  });

  it("takes a real GoogleGenAI client where it takes a Google client", () => {
    copyFileSync(join(fixtures, "consumer-gemini.ts"), join(project.directory, "consumer-gemini.ts"));
    const compilerOptions = { ...tscInitForNode.compilerOptions, skipLibCheck: true };
    const checked = typeCheck("tsconfig.gemini.json", { compilerOptions, files: ["consumer-gemini.ts"] });
    expect(checked.stdout).toBe("");
    expect(checked.status).toBe(0);
  });
});

function typeCheck(configFile: string, config: object) {
  writeFileSync(join(project.directory, configFile), JSON.stringify(config, null, 2));
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  return project.run(process.execPath, [tsc, "-p", configFile], { timeout: 180_000 });
}

/**
 * What TypeScript 5.9's `tsc --init` writes, with its "For nodejs" lines taken
 * (`lib: ["esnext"]`, `types: ["node"]`) and without `skipLibCheck`, so that
 * the package's own declaration files and every one they load are checked.
 */
const tscInitForNode = {
  compilerOptions: {
    module: "nodenext",
    target: "esnext",
    lib: ["esnext"],
    types: ["node"],
    sourceMap: true,
    declaration: true,
    declarationMap: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    strict: true,
    jsx: "react-jsx",
    verbatimModuleSyntax: true,
    isolatedModules: true,
    noUncheckedSideEffectImports: true,
    moduleDetection: "force",
    noEmit: true,
  },
};

/**
 * Each ```ts block of the README with the line it starts on. A block may be
 * preceded by `<!-- ts-context: … -->`: declarations it takes as given (the
 * `agent` of the surrounding text), put before it when it is checked.
 */
function readmeTypeScriptBlocks(readme: string): { line: number; code: string }[] {
  const lines = readme.split("\n");
  const blocks: { line: number; code: string }[] = [];
  lines.forEach((text, index) => {
    if (text.trim() !== "```ts") return;
    const end = lines.indexOf("```", index + 1);
    const context = /^<!-- ts-context: (.*) -->$/.exec(lines[index - 1] ?? "")?.[1] ?? "";
    blocks.push({ line: index + 1, code: `${context}\n${lines.slice(index + 1, end).join("\n")}\n` });
  });
  return blocks;
}
