/**
 * copy: `pllm copy` of the large workspace (1,000,000 calls, `COPY_CALLS`) from
 * SQLite into a fresh PostgreSQL schema, in this process: rows per second and
 * the process's peak RSS (target: bounded, ≤ 300 MB; the copy streams in pages),
 * beside what it held before copying.
 * Needs `PARALLELLM_PG_URL` (`npm run pg:start`); without it, one line and no figures.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { postgresCopyDestination } from "../src/store/postgres/postgres-copy-endpoint.js";
import { copyStore } from "../src/store/sql/sql-copy.js";
import { sqliteCopySource } from "../src/store/sqlite/sqlite-copy-endpoint.js";
import { type Figure, peakRssMb, time } from "./bench-util.js";
import { cachedLargeWorkspace } from "./large-workspace.js";

const calls = Number(process.env.COPY_CALLS ?? 1_000_000);

export async function copyBenchmark(): Promise<Figure[]> {
  const url = process.env.PARALLELLM_PG_URL;
  if (!url) {
    process.stderr.write(
      "copy: skipped, PARALLELLM_PG_URL is not set (npm run pg:start starts a server and prints it).\n",
    );
    return [];
  }
  const directory = cachedLargeWorkspace(calls);
  const schema = `bench_copy_${randomBytes(4).toString("hex")}`;
  const from = sqliteCopySource(directory);
  const to = await postgresCopyDestination({ url, schema });
  try {
    // What the process holds before copying (tsx, the library, the driver): the copy's own share is above it.
    const before = peakRssMb();
    const copy = await time(() => copyStore(from, to));
    const rows = copy.result.tables.reduce((sum, table) => sum + table.rows, 0);
    const label = `${calls.toLocaleString("en-US")} calls, ${rows.toLocaleString("en-US")} rows`;
    return [
      { benchmark: "copy", metric: `SQLite → PostgreSQL (${label})`, value: copy.ms / 1000, unit: "s" },
      { benchmark: "copy", metric: "rows per second", value: Math.round(rows / (copy.ms / 1000)), unit: "rows/s" },
      { benchmark: "copy", metric: "peak RSS", value: Math.round(peakRssMb()), unit: "MB", target: "≤ 300" },
      { benchmark: "copy", metric: "peak RSS before copying", value: Math.round(before), unit: "MB" },
    ];
  } finally {
    await to.close();
    await from.close();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}
