#!/usr/bin/env node
/** The `pllm` command. */
import { defineCommand } from "citty";
import { batchesCommand } from "./batches-command.js";
import { callsCommand } from "./calls-command.js";
import { costCommand } from "./cost-command.js";
import { exportCommand } from "./export-command.js";
import { failuresCommand } from "./failures-command.js";
import { fakeServerCommand } from "./fake-server-command.js";
import { gcCommand } from "./gc-command.js";
import { migrateCommand } from "./migrate-command.js";
import { retryCommand } from "./retry-command.js";
import { packageVersion, runCli } from "./run-cli.js";
import { runCommand } from "./run-command.js";
import { showCommand } from "./show-command.js";
import { statusCommand } from "./status-command.js";

const main = defineCommand({
  meta: {
    name: "pllm",
    version: packageVersion,
    description: "parallellm: LLM pipelines that replay for free and scale through Batch APIs.",
  },
  subCommands: {
    run: runCommand,
    status: statusCommand,
    calls: callsCommand,
    show: showCommand,
    failures: failuresCommand,
    cost: costCommand,
    export: exportCommand,
    batches: batchesCommand,
    retry: retryCommand,
    gc: gcCommand,
    migrate: migrateCommand,
    "fake-server": fakeServerCommand,
  },
});

process.exitCode = await runCli(main, process.argv.slice(2));
