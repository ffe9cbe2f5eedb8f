/**
 * replay-postgres: the replay benchmark's 100,000 stored asks over 1,000 agents,
 * replayed from PostgreSQL and from SQLite in the same run (same pipeline, same
 * answers; interleaved, best of three). Needs PARALLELLM_PG_URL (`npm run
 * pg:start`); without it, one line and no figures.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Parallellm, type ParallellmOptions } from "parallellm";
import { postgresStore } from "parallellm/postgres";
import { MockProvider } from "parallellm/testing";
import pg from "pg";
import { type Figure, peakRssMb, time, withTempDirectory } from "./bench-util.js";
import { agents, asksPerAgent, options, pipeline } from "./replay.js";

async function run(directory: string, store: ParallellmOptions["store"]) {
  const pllm = await Parallellm.open(directory, { ...options, providers: { mock: new MockProvider() }, store });
  const characters = await pipeline(pllm);
  return { characters, summary: await pllm.close() };
}

export async function replayPostgresBenchmark(): Promise<Figure[]> {
  const url = process.env.PARALLELLM_PG_URL;
  if (!url) {
    process.stderr.write("replay-postgres: skipped, PARALLELLM_PG_URL is not set (npm run pg:start prints one).\n");
    return [];
  }
  const schema = `bench_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  try {
    return await withTempDirectory(async (directory) => {
      const onSqlite = join(directory, "sqlite");
      const onPostgres = join(directory, "postgres");
      const store = postgresStore(url, { schema });
      const fillSqlite = await time(() => run(onSqlite, undefined));
      const fillPostgres = await time(() => run(onPostgres, store));
      const best = { sqlite: Number.POSITIVE_INFINITY, postgres: Number.POSITIVE_INFINITY };
      let characters = { sqlite: 0, postgres: 0 };
      for (let round = 0; round < 3; round++) {
        // Each round in the other order, so warm-up favours neither.
        for (const name of round % 2 === 0 ? (["sqlite", "postgres"] as const) : (["postgres", "sqlite"] as const)) {
          const replay = await time(() =>
            run(name === "sqlite" ? onSqlite : onPostgres, name === "sqlite" ? undefined : store),
          );
          if (replay.result.summary.sent !== 0)
            throw new Error(`the ${name} replay sent ${replay.result.summary.sent} calls`);
          best[name] = Math.min(best[name], replay.ms);
          characters = { ...characters, [name]: replay.result.characters };
        }
      }
      if (characters.sqlite !== characters.postgres || characters.sqlite === 0) {
        throw new Error(
          `the replays read different answers (${characters.sqlite} vs ${characters.postgres} characters)`,
        );
      }
      const total = agents * asksPerAgent;
      return [
        {
          benchmark: "replay-postgres",
          metric: `first run on SQLite (${total} asks, in-process mock)`,
          value: fillSqlite.ms,
          unit: "ms",
        },
        {
          benchmark: "replay-postgres",
          metric: `first run on PostgreSQL (${total} asks, in-process mock)`,
          value: fillPostgres.ms,
          unit: "ms",
        },
        {
          benchmark: "replay-postgres",
          metric: `replay from SQLite (${total} asks, ${agents} agents), best of 3`,
          value: best.sqlite,
          unit: "ms",
        },
        { benchmark: "replay-postgres", metric: "replay from PostgreSQL, best of 3", value: best.postgres, unit: "ms" },
        {
          benchmark: "replay-postgres",
          metric: "ratio PostgreSQL / SQLite",
          value: best.postgres / best.sqlite,
          unit: "x",
          target: "<= 3.0",
        },
        { benchmark: "replay-postgres", metric: "peak RSS", value: peakRssMb(), unit: "MB" },
      ];
    });
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}
