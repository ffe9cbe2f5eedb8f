/**
 * The NFL tournament: one ask for 8 teams, then one ask per game (a round
 * robin, 28 games) in parallel, then the results combined into standings.
 */
import { z } from "zod";
import type { Parallellm } from "../src/index.js";

export interface GameResult {
  readonly home: string;
  readonly away: string;
  readonly winner: string;
  readonly margin: number;
}

export interface Standings {
  readonly teams: readonly string[];
  readonly games: readonly GameResult[];
  /** Teams by wins, then by total margin. */
  readonly table: readonly { readonly team: string; readonly wins: number; readonly margin: number }[];
  readonly champion: string;
}

export function pairs<T>(items: readonly T[]): [T, T][] {
  return items.flatMap((first, index) => items.slice(index + 1).map((second): [T, T] => [first, second]));
}

/** Returns undefined while some answers are not available yet (batch mode). */
export async function tournament(pllm: Parallellm): Promise<Standings | undefined> {
  const teams = await pllm.agent("teams", async (agent) => {
    const answer = agent.ask("Name 8 NFL teams, one per line, names only.");
    const lines = (await answer.text()).split("\n").map((line) => line.replace(/^\s*(\d+[.)]|[-*•])\s+/, "").trim());
    return lines.filter(Boolean).slice(0, 8);
  });
  if (!teams) return undefined;

  const games = await pllm.forEach(
    pairs(teams),
    ([home, away]) => `game/${home} vs ${away}`,
    async ([home, away], agent) => {
      const Verdict = z.object({ winner: z.enum([home, away]), margin: z.number().int().min(1).max(30) });
      const verdict = agent.ask(`Predict the game ${home} vs ${away}: who wins, by how many points?`, {
        schema: Verdict,
      });
      const { winner, margin } = await verdict.value();
      return { home, away, winner, margin };
    },
  );
  if (games.some((game) => game === undefined)) return undefined;
  const played = games as GameResult[];

  const table = teams
    .map((team) => ({
      team,
      wins: played.filter((game) => game.winner === team).length,
      margin: played.reduce((sum, game) => {
        if (game.home !== team && game.away !== team) return sum;
        return sum + (game.winner === team ? game.margin : -game.margin);
      }, 0),
    }))
    .sort((a, b) => b.wins - a.wins || b.margin - a.margin || a.team.localeCompare(b.team));
  await pllm.save("standings", table);
  return { teams, games: played, table, champion: table[0].team };
}
