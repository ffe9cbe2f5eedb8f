/**
 * Two LLM identities on different providers debate over three rounds, each in
 * its own conversation. The nicknames make the roles; a second run replays the
 * whole debate for free.
 *
 *   npx tsx examples/debate.ts
 */
import { type LLMIdentity, Parallellm } from "../src/index.js";
import type { ReplyContext, ScriptRule } from "../src/testing/index.js";
import { offlineClients } from "./offline-clients.js";

const alice = { id: "alice", provider: "anthropic", model: "claude-sonnet-4-6" } as const satisfies LLMIdentity;
const bob = { id: "bob", provider: "openai", model: "gpt-4.1-mini" } as const satisfies LLMIdentity;
const topic = "Should pineapple go on pizza?";

/** Offline only: what the fake models say in each round. */
const offlineScript: ScriptRule[] = [
  {
    provider: alice.provider,
    reply: (context) =>
      [
        "Yes: sweet pineapple against salty ham is the oldest trick in cooking, Bob.",
        "Bob, tradition is a starting point, not a law; Italians put potatoes on pizza too.",
        "If it tastes good, Bob, it belongs. Pineapple tastes good.",
      ][roundOf(context, "bob says:")],
  },
  {
    provider: bob.provider,
    reply: (context) =>
      [
        "No, Alice: fruit turns a crisp crust soggy and drowns the tomato.",
        "Potatoes are not dessert, Alice. Pineapple is.",
        "Then put it in a fruit salad, Alice, and leave my pizza alone.",
      ][roundOf(context, "alice says:") - 1],
  },
];

function roundOf(context: ReplyContext, marker: string): number {
  return Math.min(JSON.stringify(context.body).split(marker).length - 1, 3);
}

const { clients, close } = await offlineClients([alice.provider, bob.provider], offlineScript);
const pllm = await Parallellm.open(process.env.PLLM_WORKSPACE ?? ".pllm/debate", {
  clients,
  strategy: "sync",
  summary: false,
});

await pllm.agent("debate", async (agent) => {
  const rules = "Answer in at most three sentences and address your opponent directly.";
  const yes = agent.conversation(alice.id, { llm: alice, instructions: `You argue YES on: ${topic} ${rules}` });
  const no = agent.conversation(bob.id, { llm: bob, instructions: `You argue NO on: ${topic} ${rules}` });
  let last = `The debate is: ${topic} Open it.`;
  for (let round = 1; round <= 3; round++) {
    const argument = await yes.ask(last).text();
    console.log(`\nRound ${round}\n${alice.id}: ${argument}`);
    last = await no.ask(`${alice.id} says: ${argument}`).text();
    console.log(`${bob.id}: ${last}`);
    last = `${bob.id} says: ${last}`;
  }
});
const summary = await pllm.close();
await close();
console.log(`\n${summary.replayed} answers replayed from the store, ${summary.sent} sent.`);
