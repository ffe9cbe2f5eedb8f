#!/usr/bin/env node
/** `npx parallellm-fake`: the same as `pllm fake-server`. */
import { fakeServerCommand } from "./fake-server-command.js";
import { runCli } from "./run-cli.js";

process.exitCode = await runCli(fakeServerCommand, process.argv.slice(2));
