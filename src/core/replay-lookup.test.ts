import { describe, expect, it } from "vitest";
import type { AgentAnswers, CallKey, Store, StoredAnswer } from "../store/store.js";
import { textResult } from "../testing/store-contract/store-fixtures.js";
import { ReplayLookup } from "./replay-lookup.js";

const stored = (text: string): StoredAnswer => ({ callId: 1, session: 1, text, result: textResult(text) });

/** A store over the network: lookups and agent reads are asynchronous, and counted. */
function networkStore(answers: ReadonlyMap<string, string>) {
  const reads = { lookups: 0, agents: 0 };
  const textOf = (key: CallKey) => answers.get(`${key.agent}/${key.hash}/${key.occurrence}`);
  const store = {
    lookup: async (key: CallKey) => {
      reads.lookups++;
      const text = textOf(key);
      return text === undefined ? undefined : stored(text);
    },
    agentAnswers: async (agent: string) => {
      reads.agents++;
      const byHash: AgentAnswers = new Map();
      for (const [path, text] of answers) {
        const [owner, hash, occurrence] = path.split("/");
        if (owner !== agent) continue;
        if (!byHash.has(hash!)) byHash.set(hash!, []);
        byHash.get(hash!)![Number(occurrence)] = stored(text);
      }
      return byHash;
    },
  } as unknown as Store;
  return { store, reads };
}

describe("ReplayLookup over a store without a synchronous path", () => {
  it("looks the first ask up, reads the agent's answers at the second, and replays the rest synchronously", async () => {
    const { store, reads } = networkStore(
      new Map([
        ["a/h1/0", "one"],
        ["a/h2/0", "two"],
        ["a/h2/1", "three"],
      ]),
    );
    const replay = new ReplayLookup(store);
    replay.enterAgent("a");
    const key = (hash: string, occurrence = 0) => ({ agent: "a", hash, occurrence });

    expect(replay.lookupSync(key("h1"))).toBeNull();
    expect((await replay.lookup(key("h1")))?.text).toBe("one");
    expect(replay.lookupSync(key("h2"))).toBeNull();
    expect((await replay.lookup(key("h2")))?.text).toBe("two");
    expect(reads).toEqual({ lookups: 1, agents: 1 });

    expect(replay.lookupSync(key("h2", 1))?.text).toBe("three");
    expect(replay.lookupSync(key("h3"))).toBeUndefined();
    expect(reads).toEqual({ lookups: 1, agents: 1 });
  });

  it("reads an agent's answers once when its asks come at once; an ask outside a scope is looked up", async () => {
    const { store, reads } = networkStore(
      new Map([
        ["a/h/0", "zero"],
        ["a/h/1", "one"],
        ["a/h/2", "two"],
      ]),
    );
    const replay = new ReplayLookup(store);
    replay.enterAgent("a");
    const texts = await Promise.all(
      [0, 1, 2].map((occurrence) => replay.lookup({ agent: "a", hash: "h", occurrence })),
    );
    expect(texts.map((answer) => answer?.text)).toEqual(["zero", "one", "two"]);
    expect(reads).toEqual({ lookups: 1, agents: 1 });
    expect(await replay.lookup({ agent: "b", hash: "h", occurrence: 0 })).toBeUndefined();
    expect(reads).toEqual({ lookups: 2, agents: 1 });
  });
});
