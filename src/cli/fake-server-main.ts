#!/usr/bin/env node
/** `npx parallellm-fake`: the same as `pllm fake-server`. */
import { runMain } from "citty";
import { fakeServerCommand } from "./fake-server-command.js";

await runMain(fakeServerCommand);
