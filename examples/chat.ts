/**
 * An interactive chat whose every turn is persisted, each answer printed as it
 * streams. Quit (Ctrl-D or /quit) and start it again: it resumes the
 * conversation where it stopped.
 *
 *   npx tsx examples/chat.ts [--llm claude-sonnet-4-5]
 *   printf 'Hi!\nWhat did I just say?\n' | npx tsx examples/chat.ts
 *
 * Type /history to list every state the conversation has been in.
 */
import { createInterface } from "node:readline/promises";
import { type Message, Parallellm, type ResponseHandle, StreamRestarted } from "../src/index.js";
import { argument, offlineClients, providerOf } from "./offline-clients.js";

const llm = argument("llm") ?? "gpt-4.1-mini";
const { clients, close } = await offlineClients([providerOf(llm)]);
const pllm = await Parallellm.open(process.env.PLLM_WORKSPACE ?? ".pllm/chat", {
  llm,
  strategy: "sync",
  clients,
  summary: false,
});
const textOf = (message: Message) =>
  message.content.map((part) => (part.type === "text" ? part.text : `[${part.type}]`)).join("");

/** Prints the answer as it streams; one cut off midway and sent again is printed again from its start. */
async function printStreamed(answer: ResponseHandle): Promise<void> {
  for (;;) {
    process.stdout.write("  ");
    try {
      for await (const delta of answer.textStream()) process.stdout.write(delta);
      process.stdout.write("\n");
      return;
    } catch (error) {
      if (!(error instanceof StreamRestarted)) throw error;
      process.stdout.write(" [cut off; sent again]\n");
    }
  }
}

await pllm.agent("chat", async (agent) => {
  const conversation = agent.conversation("chat", { instructions: "You are a friendly assistant. Answer briefly." });
  await conversation.resume();
  for (const message of conversation.messages) console.log(`${message.role === "user" ? ">" : " "} ${textOf(message)}`);
  const lines = createInterface({ input: process.stdin, terminal: false });
  const prompt = () => process.stdin.isTTY && process.stdout.write("> ");
  prompt();
  for await (const line of lines) {
    if (line.trim() === "/quit") break;
    if (line.trim() === "/history") {
      for (const state of await conversation.history()) {
        console.log(`  ${state.id.slice(0, 8)} ${state.message.role.padEnd(9)} ${textOf(state.message).slice(0, 60)}`);
      }
    } else if (line.trim()) {
      await printStreamed(conversation.ask(line));
    }
    prompt();
  }
  lines.close();
});
await pllm.close();
await close();
