/**
 * `pllm view [dir]`: a local, read-only web page over a workspace (SQLite, or
 * PostgreSQL with `--pg`): what a pipeline asked, got, spent and waits for,
 * updated live while a pipeline writes. Serves until Ctrl-C.
 */
import { defineCommand } from "citty";
import pc from "picocolors";
import { isLoopback, startViewServer } from "../view/view-server.js";
import { UsageError } from "./cli-error.js";
import { postgresArgs, wholeNumber, withWorkspace, workspaceArgs } from "./workspace-args.js";

/** The port `pllm view` listens on unless `--port` says otherwise ("pllm" on a phone's keypad). */
const defaultPort = 7556;

export const viewCommand = defineCommand({
  meta: { name: "view", description: "Serve a read-only web page that shows a workspace, live" },
  args: {
    dir: workspaceArgs.dir,
    ...postgresArgs,
    prices: workspaceArgs.prices,
    host: {
      type: "string",
      default: "127.0.0.1",
      description: "The address to listen on (anything but loopback serves the workspace to the network)",
    },
    port: { type: "string", default: String(defaultPort), description: "The port (0 picks a free one)" },
  },
  async run({ args }) {
    const port = wholeNumber(String(args.port), "--port");
    if (port > 65_535) throw new UsageError(`--port takes a port number from 0 to 65535; got ${port}.`);
    const host = String(args.host);
    await withWorkspace(args, async (reader) => {
      const server = await startViewServer({ reader, host, port });
      if (!isLoopback(host)) {
        process.stderr.write(
          `${pc.yellow("Warning:")} listening on ${host}: anyone who can reach it can read this workspace's prompts and answers (there is no password).\n`,
        );
      }
      process.stdout.write(`Viewing ${reader.location} at ${server.url} (read-only; Ctrl-C stops)\n`);
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await server.close();
    });
  },
});
