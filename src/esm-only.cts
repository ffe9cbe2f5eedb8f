/**
 * What `require("parallellm")` loads on a Node that cannot require() an ES
 * module (before 20.19 and 22.12, or with `--no-experimental-require-module`).
 * Newer Nodes load the ES module itself through the `module-sync` condition.
 */
throw Object.assign(
  new Error(
    `parallellm is an ES module, and Node ${process.version} cannot require() it. Use \`import { Parallellm } from "parallellm"\` (in an ES module: a .mjs file, or "type": "module" in package.json), or \`await import("parallellm")\` from CommonJS, or run Node >= 20.19 or >= 22.12, whose require() loads ES modules.`,
  ),
  // The code Node gives a require() of an ES module: tools that meet it fall back to import().
  { code: "ERR_REQUIRE_ESM" },
);
