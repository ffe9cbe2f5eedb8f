/**
 * npm run demo — runs the tournament against OpenAI when OPENAI_API_KEY is set,
 * otherwise against the built-in fake provider server on 127.0.0.1 (the real
 * OpenAI SDK, offline). Run it twice: the second run replays every answer from
 * the store and sends nothing.
 */
import { Parallellm } from "../src/index.js";
import { startFakeProviderServer } from "../src/testing/index.js";
import { tournament } from "./tournament-pipeline.js";

const offline = !process.env.OPENAI_API_KEY;
const teams = ["Chiefs", "Bills", "Eagles", "49ers", "Ravens", "Lions", "Packers", "Cowboys"];
const server = offline ? await startFakeProviderServer({ latencyMs: 20 }) : undefined;
server?.script({ match: /NFL teams/, reply: teams.join("\n") });
if (server) console.log(`No OPENAI_API_KEY: using the offline fake provider server at ${server.url}.\n`);

const pllm = await Parallellm.open(process.env.PLLM_WORKSPACE ?? ".pllm/tournament", {
  llm: "gpt-4.1-mini",
  strategy: process.argv.includes("--sync") ? "sync" : "async",
  clients: server?.clientsFor(),
});

const standings = await tournament(pllm);
const summary = await pllm.close();
await server?.close();

if (standings) {
  for (const game of standings.games) {
    const loser = game.winner === game.home ? game.away : game.home;
    console.log(`${game.winner.padEnd(8)} beat ${loser.padEnd(8)} by ${game.margin}`);
  }
  console.log("\nStandings");
  standings.table.forEach((row, index) => {
    console.log(
      `${String(index + 1).padStart(2)}. ${row.team.padEnd(8)} ${row.wins} wins  ${row.margin >= 0 ? "+" : ""}${row.margin}`,
    );
  });
  console.log(`\nChampion: ${standings.champion}`);
}
const asked = summary.asked;
console.log(
  summary.replayed === asked
    ? `\nAll ${asked} calls were replayed from the store; 0 were sent.`
    : `\n${asked} calls: ${summary.replayed} replayed from the store, ${summary.sent} sent.`,
);
