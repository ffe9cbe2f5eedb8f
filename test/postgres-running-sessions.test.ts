/**
 * A PostgreSQL store tells a running session from a killed one: each worker holds
 * its session's lock on a connection of its own while the session runs, and loses
 * it with the connection when it dies.
 */
import { expect, it } from "vitest";
import { inspectPostgres, postgresStore } from "../src/postgres.js";
import { adminQuery, describePg, pgUrl, tempSchema } from "./postgres.js";

describePg("running sessions on a PostgreSQL store", () => {
  it("are the sessions whose worker is alive, on any connection; an ended or killed one is not", async () => {
    const schema = tempSchema();
    const workers = [postgresStore(pgUrl, { schema }), postgresStore(pgUrl, { schema })];
    const [first, second] = await Promise.all(
      workers.map((store, index) => store.beginSession({ strategy: "async", pid: 100 + index, startedAt: Date.now() })),
    );
    const reader = await inspectPostgres(pgUrl, { schema });
    try {
      const running = async () => (await reader.overview()).running;
      expect(await running()).toEqual([first, second].sort((a, b) => a! - b!));
      await workers[0]!.endSession(first!, { complete: true });
      expect(await running()).toEqual([second]);
      // The second worker dies: the server drops its connections, and with them its session's lock.
      const [[pid]] = (await adminQuery(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND objid = $1
           AND classid = hashtext($2 || ' sessions')::oid`,
        [second, schema],
      )) as [[number]];
      await adminQuery("SELECT pg_terminate_backend($1)", [pid]);
      expect(await running()).toEqual([]);
      const sessions = await reader.sessions();
      const notEnded = (id: number) => sessions.find((session) => session.id === id)?.endedAt === undefined;
      expect([notEnded(first!), notEnded(second!)]).toEqual([false, true]);
      // A store closed without ending its session lets go of it too.
      const third = await workers[0]!.beginSession({ strategy: "sync", pid: 102, startedAt: Date.now() });
      expect(await running()).toEqual([third]);
      await workers[0]!.close();
      expect(await running()).toEqual([]);
    } finally {
      await reader.close();
      await Promise.all(workers.map((store) => store.close()));
    }
  });
});
