#!/usr/bin/env node
/** The `pllm` command. Each subcommand loads its modules only when it runs, so `pllm status` starts fast. */
import { defineCommand } from "citty";
import { packageVersion, runCli } from "./run-cli.js";

const main = defineCommand({
  meta: {
    name: "pllm",
    version: packageVersion,
    description: "parallellm: LLM pipelines that replay for free and scale through Batch APIs.",
  },
  subCommands: {
    run: () => import("./run-command.js").then((module) => module.runCommand),
    status: () => import("./status-command.js").then((module) => module.statusCommand),
    calls: () => import("./calls-command.js").then((module) => module.callsCommand),
    show: () => import("./show-command.js").then((module) => module.showCommand),
    failures: () => import("./failures-command.js").then((module) => module.failuresCommand),
    cost: () => import("./cost-command.js").then((module) => module.costCommand),
    export: () => import("./export-command.js").then((module) => module.exportCommand),
    batches: () => import("./batches-command.js").then((module) => module.batchesCommand),
    retry: () => import("./retry-command.js").then((module) => module.retryCommand),
    gc: () => import("./gc-command.js").then((module) => module.gcCommand),
    copy: () => import("./copy-command.js").then((module) => module.copyCommand),
    view: () => import("./view-command.js").then((module) => module.viewCommand),
    migrate: () => import("./migrate-command.js").then((module) => module.migrateCommand),
    "fake-server": () => import("./fake-server-command.js").then((module) => module.fakeServerCommand),
  },
});

// `pllm calls | head`: the reader of the pipe stopped reading. Nothing is wrong; there is no one left to write to.
// (Other write errors, like a full disk, reach the command that wrote, which says so.)
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
});

process.exitCode = await runCli(main, process.argv.slice(2));
