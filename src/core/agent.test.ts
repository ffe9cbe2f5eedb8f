/**
 * The agent prepares each ask and hands it to the engine once: identities
 * (hash, occurrence, seq), where the ask was made, and retries of invalid
 * answers, against a fake engine that records what it is handed.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createProviderRouter } from "../run/run-providers.js";
import type { CallKey } from "../store/store.js";
import { textResult } from "../testing/store-contract/store-fixtures.js";
import { Agent, AgentState } from "./agent.js";
import { askLocation } from "./ask-location.js";
import type { AskSiteSource, CallEngine } from "./call-engine.js";
import type { ConversationBook } from "./conversation-book.js";
import { InputError } from "./errors.js";
import { IdentityCache } from "./identity-cache.js";
import type { LLMResult } from "./llm.js";
import type { PreparedCall } from "./prepare-call.js";
import type { ResponseHandle } from "./response-handle.js";

const resolveLLM = createProviderRouter({}).resolve;

function reply(text: string): { text: string; result: LLMResult } {
  return { text, result: textResult(text) };
}

/** An engine that records what it is handed; `answers` (in order) are given to the handles as they arrive. */
function fakeEngine(answers: string[] = []) {
  const admitted: string[] = [];
  const resolved: { key: CallKey; seq: number; call: PreparedCall; site: AskSiteSource; stack?: string }[] = [];
  const engine = {
    admit: (agent: string) => admitted.push(agent),
    resolve: (handle: ResponseHandle, key: CallKey, call: PreparedCall, _options: unknown, site: AskSiteSource) => {
      // A capture is only good while the ask is on the stack, as the engine calls it.
      const stack = typeof site === "function" ? site().stack : site.stack;
      resolved.push({ key, seq: handle.seq, call, site, stack });
      const text = answers.shift();
      if (text !== undefined) handle._ready(reply(text), false);
    },
  };
  return { engine: engine as unknown as CallEngine, admitted, resolved };
}

function agentWith(engine: CallEngine, name = "writer") {
  const context = {
    engine,
    resolveLLM,
    identity: new IdentityCache(),
    conversations: {} as ConversationBook,
    log: () => {},
  };
  return new Agent(name, new AgentState(), context, { llm: "gpt-4.1-mini" });
}

describe("AgentState.nextOccurrence", () => {
  it("counts each hash on its own, from 0", () => {
    const state = new AgentState();
    expect(["a", "a", "b", "a", "b", "c"].map((hash) => state.nextOccurrence(hash))).toEqual([0, 1, 0, 2, 1, 0]);
  });
});

describe("Agent.ask", () => {
  it("hands each ask to the engine once, identified by hash, occurrence and seq", () => {
    const { engine, admitted, resolved } = fakeEngine();
    const agent = agentWith(engine);
    const first = agent.ask("Name a colour.");
    agent.ask("Name a colour.");
    agent.ask("Name a number.");
    expect(admitted).toEqual(["writer", "writer", "writer"]);
    expect(resolved.map(({ key, seq }) => [key.occurrence, seq])).toEqual([
      [0, 0],
      [1, 1],
      [0, 2],
    ]);
    expect(resolved[0].key).toEqual({ agent: "writer", hash: first.hash, occurrence: 0 });
    expect(resolved[1].key.hash).toBe(first.hash);
    expect(resolved[2].key.hash).not.toBe(first.hash);
  });

  it("refuses invalid options before the engine is told: the ask is not counted", () => {
    const { engine, admitted, resolved } = fakeEngine();
    const agent = agentWith(engine);
    expect(() => agent.ask("Name a colour.", { retryInvalid: 2 })).toThrow(InputError);
    expect(admitted).toEqual([]);
    expect(resolved).toEqual([]);
  });

  it("where the ask was made is captured only when the engine needs it, and names the user's line", () => {
    const { engine, resolved } = fakeEngine();
    agentWith(engine).ask("Name a colour.");
    expect(typeof resolved[0].site).toBe("function");
    expect(askLocation({ stack: resolved[0].stack })).toMatch(/agent\.test\.ts:\d+:\d+$/);
  });

  it("an invalid answer is asked again as a call of its own (same occurrence, next seq), not a new ask", async () => {
    const { engine, admitted, resolved } = fakeEngine(["not json", '{"colour":"red"}']);
    const agent = agentWith(engine);
    const handle = agent.ask("Name a colour.", { schema: z.object({ colour: z.string() }), retryInvalid: 1 });
    expect(await handle.value()).toEqual({ colour: "red" });
    expect(admitted).toEqual(["writer"]);
    expect(resolved.map(({ key, seq }) => [key.occurrence, seq])).toEqual([
      [0, 0],
      [0, 1],
    ]);
    expect(resolved[1].key.hash).not.toBe(resolved[0].key.hash);
    expect(resolved[1].key.hash).toBe(handle.hash);
    expect(handle.occurrence).toBe(0);
    // Captured at the ask already: the retry is made later, when the invalid answer arrives.
    expect(resolved[1].site).toBe(resolved[0].site);
    expect(typeof resolved[1].site).toBe("object");
  });
});
