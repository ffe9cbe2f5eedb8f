import { rmSync } from "node:fs";
import { Parallellm } from "parallellm";
import { fakeProviderClients } from "parallellm/testing";

const clients = fakeProviderClients("http://127.0.0.1:45555");
rmSync("/tmp/sdkprof", { recursive: true, force: true });
const pllm = await Parallellm.open("/tmp/sdkprof", {
  llm: "gpt-4.1-mini",
  maxConcurrency: 100,
  clients,
  summary: false,
});
const t = performance.now();
const prompts = Array.from({ length: 2000 }, (_, i) => `Summarise item ${i} in one line.`);
await pllm.forEach(
  prompts,
  (_, i) => `item-${i}`,
  (p, agent) => agent.ask(p).text(),
  { concurrency: 2000 },
);
await pllm.close();
console.log(performance.now() - t);
