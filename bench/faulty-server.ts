/**
 * The fake provider server in its own process for `faulty-throughput`, failing
 * requests as argv says: rate, statuses (comma-separated), retry-after in ms,
 * drop rate. Prints its URL; on "stats" prints the request counts as JSON.
 */
import { createInterface } from "node:readline";
import { startFakeProviderServer } from "parallellm/testing";

const [rate, statuses, retryAfterMs, dropConnectionRate] = process.argv.slice(2);
const server = await startFakeProviderServer();
server.setFaults({
  rate: Number(rate),
  statuses: statuses.split(",").map(Number),
  retryAfterMs: Number(retryAfterMs),
  dropConnectionRate: Number(dropConnectionRate),
});
process.stdout.write(`${server.url}\n`);
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line !== "stats") return;
  const requests = server.requests;
  const failed = requests.filter((request) => request.dropped || (request.status ?? 200) >= 400).length;
  process.stdout.write(`${JSON.stringify({ requests: requests.length, failed })}\n`);
  server.resetLog();
});
