import { rmSync } from "node:fs";
import { Parallellm } from "parallellm";
import { fakeProviderClients } from "parallellm/testing";
import { startFakeServerProcess } from "../bench-util.js";

const server = await startFakeServerProcess(50);
const clients = fakeProviderClients(server.url);
const llm = process.argv[2] ?? "gpt-4.1-mini";
rmSync("/tmp/sdkprof", { recursive: true, force: true });
const pllm = await Parallellm.open("/tmp/sdkprof", { llm, maxConcurrency: 100, clients, summary: false });
const t = performance.now();
const prompts = Array.from({ length: 2000 }, (_, i) => `Summarise item ${i} in one line.`);
await pllm.forEach(
  prompts,
  (_, i) => `item-${i}`,
  (p, agent) => agent.ask(p).text(),
  { concurrency: 2000 },
);
await pllm.close();
console.log(llm, performance.now() - t);
server.stop();
