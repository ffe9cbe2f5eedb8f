#!/usr/bin/env node
/** The `pllm` command. */
import { defineCommand, runMain } from "citty";
import { fakeServerCommand } from "./fake-server-command.js";
import { runCommand } from "./run-command.js";

const main = defineCommand({
  meta: { name: "pllm", description: "parallellm: LLM pipelines that replay for free and scale through Batch APIs." },
  subCommands: { run: runCommand, "fake-server": fakeServerCommand },
});

await runMain(main);
