/**
 * One worker of the scale-out benchmark: waits for "go" on stdin, then runs the
 * pipeline (until done) against the shared PostgreSQL store and the fake server,
 * and prints its counts as JSON. argv: database URL, schema, server URL, shard ("k/n" or "-"), workspace.
 */
import { createInterface } from "node:readline";
import { Parallellm } from "parallellm";
import { postgresStore } from "parallellm/postgres";
import { fakeProviderClients } from "parallellm/testing";
import { asks, concurrency } from "./scale-out-settings.js";

const [url, schema, serverUrl, shard, directory] = process.argv.slice(2) as [string, string, string, string, string];
const [k, n] = shard === "-" ? [] : shard.split("/").map(Number);

createInterface({ input: process.stdin }).once("line", async () => {
  const { summary, result } = await Parallellm.run(
    directory,
    {
      llm: "gpt-4.1-mini",
      maxConcurrency: concurrency,
      clients: fakeProviderClients(serverUrl),
      summary: false,
      store: postgresStore(url, { schema, maxConnections: 4 }),
      ...(k === undefined ? {} : { shard: { index: k - 1, count: n! } }),
    },
    (pllm) =>
      pllm.forEach(
        Array.from({ length: asks }, (_, index) => index),
        (index) => `item-${index}`,
        (index, agent) => agent.ask(`Summarise item ${index} in one line.`).text(),
        { concurrency: asks },
      ),
    // A sharded worker done with its shard runs again to replay the other shards' answers: soon after
    // they are due (a send takes 500 ms), backing off to once a second while nothing new is stored.
    { untilDone: true, pollInterval: 250, maxPollInterval: 1000 },
  );
  const answers = result.filter((text) => typeof text === "string").length;
  process.stdout.write(`${JSON.stringify({ answers, sent: summary.sent })}\n`);
  process.exit(0);
});
process.stdout.write("ready\n");
