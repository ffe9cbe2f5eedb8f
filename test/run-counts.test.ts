/**
 * The counts of a run's summary are true: a call is "sent" only when a request
 * went out, and an attempt "failed" only when a request was made and failed.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthenticationError, Parallellm } from "../src/index.js";
import { startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

const keyVariables = ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY"];
const saved = new Map<string, string | undefined>();
beforeAll(() => {
  for (const name of keyVariables) {
    saved.set(name, process.env[name]);
    delete process.env[name];
  }
});
afterAll(() => {
  for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
});

describe("a missing API key", () => {
  for (const llm of ["gpt-4.1-mini", "claude-sonnet-4-5", "gemini-2.5-flash"]) {
    for (const strategy of ["async", "sync"] as const) {
      it(`${llm}, ${strategy}: three asks are 3 failed calls, none sent, no failed attempt`, async () => {
        const directory = tempWorkspace();
        const printed: string[] = [];
        const errors: unknown[] = [];
        const { summary } = await Parallellm.run(
          directory,
          { llm, strategy, onError: "record", summary: (text) => printed.push(text) },
          (pllm) =>
            pllm.forEach(
              ["a", "b", "c"],
              (name) => name,
              (name, agent) =>
                agent
                  .ask(`Question ${name}`)
                  .text()
                  .catch((error: unknown) => {
                    errors.push(error);
                    throw error;
                  }),
            ),
        );
        expect(errors.every((error) => error instanceof AuthenticationError)).toBe(true);
        expect(summary).toMatchObject({ asked: 3, sent: 0, received: 0, failed: 3, failedAttempts: 0 });
        expect(printed.join("\n")).toContain("3 asked: 0 replayed from the store, 0 sent, 0 received, 3 failed");
        expect(printed.join("\n")).not.toContain("failed attempts");
        const db = new Database(join(directory, "store.sqlite"), { readonly: true });
        expect(db.prepare("SELECT count(*) FROM failures").pluck().get()).toBe(0);
        db.close();
      });
    }
  }
});

describe("a batch run", () => {
  it("counts the asks it collected as asked, none as sent", async () => {
    const server = await startFakeProviderServer();
    try {
      const printed: string[] = [];
      const { summary } = await Parallellm.run(
        tempWorkspace(),
        { llm: "gpt-4.1-mini", strategy: "batch", clients: server.clientsFor(), summary: (text) => printed.push(text) },
        (pllm) =>
          pllm.forEach(
            ["a", "b", "c"],
            (name) => name,
            (name, agent) => agent.ask(`Question ${name}`).text(),
          ),
      );
      expect(summary).toMatchObject({ asked: 3, collected: 3, sent: 0 });
      expect(printed.join("\n")).toContain("3 asked: 0 replayed from the store, 0 sent");
    } finally {
      await server.close();
    }
  });
});
