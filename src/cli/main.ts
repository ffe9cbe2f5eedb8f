#!/usr/bin/env node
/** The `pllm` command. */
import { defineCommand } from "citty";
import { exportCommand } from "./export-command.js";
import { fakeServerCommand } from "./fake-server-command.js";
import { packageVersion, runCli } from "./run-cli.js";
import { runCommand } from "./run-command.js";

const main = defineCommand({
  meta: {
    name: "pllm",
    version: packageVersion,
    description: "parallellm: LLM pipelines that replay for free and scale through Batch APIs.",
  },
  subCommands: {
    run: runCommand,
    "fake-server": fakeServerCommand,
    export: exportCommand,
  },
});

process.exitCode = await runCli(main, process.argv.slice(2));
