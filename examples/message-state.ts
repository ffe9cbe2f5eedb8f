/**
 * Message state: build a history, fork it twice, continue each branch. The
 * forks share the first turns (stored once). Run it twice: the second run
 * rebuilds the same tree from the store and sends nothing.
 *
 *   npx tsx examples/message-state.ts [--llm gemini-2.5-flash]
 */
import { type Message, Parallellm } from "../src/index.js";
import { argument, offlineClients, providerOf } from "./offline-clients.js";

const llm = argument("llm") ?? "gpt-4.1-mini";
const { clients, close } = await offlineClients([providerOf(llm)]);
const pllm = await Parallellm.open(process.env.PLLM_WORKSPACE ?? ".pllm/message-state", { llm, clients });
const textOf = (message: Message) =>
  message.content.map((part) => (part.type === "text" ? part.text : `[${part.type}]`)).join("");

await pllm.agent("writer", async (agent) => {
  const story = agent.conversation("story", { instructions: "You write very short stories." });
  await story.ask("Write a two-sentence story about a lighthouse keeper.").text();
  await story.ask("Give the keeper a name and mention it.").text();

  const happy = story.fork("happy");
  const sad = story.fork("sad");
  // Different branches can wait for their answers at the same time.
  await Promise.all([happy.ask("Continue with a happy ending.").text(), sad.ask("Continue with a sad ending.").text()]);

  for (const branch of [story, happy, sad]) {
    console.log(`\n--- ${branch.branch} (${branch.messages.length} messages)`);
    for (const message of branch.messages) console.log(`${message.role.padEnd(9)} ${textOf(message).slice(0, 100)}`);
  }
  const history = await story.history();
  console.log(`\n${history.length} states in the tree; branch heads:`);
  for (const state of history.filter((candidate) => candidate.branches.length > 0)) {
    console.log(`  ${state.branches.join(", ")} -> ${state.id.slice(0, 8)}`);
  }
});
await pllm.close();
await close();
