/** `pllm fake-server`: the offline provider server, standalone, for tests in other languages or processes. */
import { defineCommand } from "citty";
import { startFakeProviderServer } from "../testing/index.js";
import { wholeNumber } from "./workspace-args.js";

export const fakeServerCommand = defineCommand({
  meta: {
    name: "fake-server",
    description: "Serve the OpenAI, Anthropic and Gemini APIs offline on 127.0.0.1 (deterministic answers).",
  },
  args: {
    port: { type: "string", description: "Port to listen on (default: a free port)", valueHint: "number" },
    latency: { type: "string", description: "Milliseconds before each answer", default: "0", valueHint: "ms" },
    "auto-tool-calls": { type: "boolean", description: "Call the first offered tool when no script answers" },
  },
  async run({ args }) {
    const server = await startFakeProviderServer({
      port: args.port === undefined ? undefined : wholeNumber(args.port, "--port"),
      latencyMs: wholeNumber(args.latency, "--latency"),
      autoToolCalls: args["auto-tool-calls"] === true,
      // No one can read the log of a server in its own process: keep memory flat however long it runs.
      logRequests: false,
    });
    // The first line is the URL, so a parent process can read it.
    process.stdout.write(`${server.url}\n`);
    process.stderr.write(
      `fake provider server on ${server.url}\n  OpenAI:    baseURL ${server.url}/v1\n  Anthropic: baseURL ${server.url}\n  Gemini:    httpOptions.baseUrl ${server.url}\nCtrl-C to stop.\n`,
    );
    const stop = () => void server.close().finally(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  },
});
