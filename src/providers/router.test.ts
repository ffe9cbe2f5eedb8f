import { describe, expect, it } from "vitest";
import { InputError } from "../core/errors.js";
import { IdentityCache } from "../core/identity-cache.js";
import type { LLMRequest, LLMResult } from "../core/llm.js";
import { prepareCall } from "../core/prepare-call.js";
import { MockProvider } from "../testing/mock-provider.js";
import { createAnthropicProvider } from "./anthropic/anthropic-provider.js";
import { createGoogleProvider } from "./google/google-provider.js";
import { createOpenAIProvider } from "./openai/openai-provider.js";
import type { Provider } from "./provider.js";
import { ProviderRouter } from "./router.js";

const builtIns = () => ({
  openai: createOpenAIProvider(),
  anthropic: createAnthropicProvider(),
  google: createGoogleProvider(),
});

/** A provider of the user's, claiming `prefixes`. */
function custom(name: string, prefixes: readonly string[] = [], defaultModel?: string): Provider {
  return {
    name,
    modelPrefixes: prefixes,
    defaultModel,
    generate: async (_request: LLMRequest): Promise<LLMResult> => expect.unreachable("not sent"),
  };
}

const routerWith = (registered: Record<string, Provider> = {}) => new ProviderRouter(builtIns(), registered);

describe("ProviderRouter", () => {
  it("routes bare model names by the prefixes the built-in adapters claim", () => {
    const router = routerWith();
    expect(router.resolve("gpt-4.1-mini").provider).toBe("openai");
    expect(router.resolve("o3-mini").provider).toBe("openai");
    expect(router.resolve("claude-sonnet-4-5").provider).toBe("anthropic");
    expect(router.resolve("gemma-3").provider).toBe("google");
    expect(router.resolve("anthropic")).toEqual({
      id: "claude-sonnet-4-5",
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      api: undefined,
    });
    expect(router.resolve("openai:my-finetune")).toMatchObject({ provider: "openai", model: "my-finetune" });
  });

  it("routes to a provider of the user's by name and by its prefixes, which win over a built-in's", () => {
    const router = routerWith({ local: custom("local", ["llama", "gpt-oss"], "llama3.1") });
    expect(router.resolve("llama3.1-8b")).toMatchObject({ provider: "local", model: "llama3.1-8b" });
    expect(router.resolve("gpt-oss-20b")).toMatchObject({ provider: "local" });
    expect(router.resolve("gpt-4.1")).toMatchObject({ provider: "openai" });
    expect(router.resolve("local")).toMatchObject({ provider: "local", model: "llama3.1" });
    expect(router.resolve({ id: "alice", provider: "local", model: "qwen3" })).toMatchObject({
      id: "alice",
      provider: "local",
      model: "qwen3",
    });
  });

  it("refuses two providers of the user's claiming one prefix, naming both", () => {
    expect(() => routerWith({ one: custom("one", ["llama"]), two: custom("two", ["llama"]) })).toThrow(
      /providers "one" and "two" both claim models starting with "llama"/,
    );
  });

  it("keeps a replaced built-in's prefixes and default model with its name", () => {
    const router = routerWith({ openai: new MockProvider({ name: "openai" }) });
    expect(router.resolve("gpt-4.1-mini").provider).toBe("openai");
    expect(router.resolve("openai").model).toBe("gpt-4.1-mini");
    expect(router.isRegistered("openai")).toBe(true);
    expect(router.isRegistered("anthropic")).toBe(false);
  });

  it("refuses an unknown model with the registered providers and how to name one", () => {
    const router = routerWith({ mock: new MockProvider() });
    expect(() => router.resolve("llama3.1")).toThrow(
      new InputError(
        'Unknown model "llama3.1": no registered provider (openai, anthropic, google, mock) claims it, so parallellm cannot tell which one serves it. Name the provider: llm: "openai:llama3.1" (also for OpenAI-compatible servers), or { provider: "openai" | "anthropic" | "google" | "mock", model: "llama3.1" }; or register the provider that serves it: providers: { <name>: provider }.',
      ),
    );
    expect(() => router.resolve({ provider: "mok", model: "x" })).toThrow(
      /Unknown provider "mok".*did you mean "mock"\?/,
    );
  });

  it("refuses a provider named alone that has no default model", () => {
    expect(() => routerWith({ local: custom("local") }).resolve("local")).toThrow(
      /"local" has no default model; name one: llm: "local:<model>"/,
    );
  });

  it("refuses `api` in an identity, saying to set it on the provider", () => {
    const router = routerWith();
    expect(() => router.resolve({ provider: "openai", model: "gpt-4.1-mini", api: "chat" } as never)).toThrow(
      /`api` is no longer part of `llm`; it is a setting of the provider.*createOpenAIProvider\(\{ api: "chat" \}\)/,
    );
  });

  it("resolves to the provider's API variant, so stored hashes stay those of `llm: { ..., api }`", () => {
    // Hashes of the same asks made before `api` left `llm` (then `llm: { provider: "openai", model, api: "chat" }`).
    const before = {
      responses: "aNPgvOv4MZykdqV0adEBCJmmtG9M4k3JpfRKEOQ0nMQ",
      chat: "D6XIJ5EuNNBcFRFWXtkAdTiSbgbW492MB6KL4PPdDdc",
      chatFinetune: "y5aVUeovVYNvL-nIdqSMK_U5ieSdMi2-Px1rOZs-3_o",
      mock: "aG5VmIFBnWObkdjvuWnZcmKkR_RIhQTFcrIFvLX1wDs",
      anthropic: "ARGmFCmygNhuUDvlby-j7WijQuclb5vuD9hej5rVk-s",
      finetune: "1Fu76lR6dZ_uJTEMS7UdflFFXDPz683QsVRXUyAwons",
    };
    const plain = routerWith({ mock: new MockProvider() });
    const chat = routerWith({ openai: createOpenAIProvider({ api: "chat" }) });
    const hash = (router: ProviderRouter, llm: string) =>
      prepareCall("Hello", { llm }, router.resolve, new IdentityCache()).hash;
    expect(hash(plain, "gpt-4.1-mini")).toBe(before.responses);
    expect(hash(chat, "gpt-4.1-mini")).toBe(before.chat);
    expect(hash(chat, "openai:llama3.1")).toBe(before.chatFinetune);
    expect(hash(plain, "mock-1")).toBe(before.mock);
    expect(hash(plain, "claude-sonnet-4-5")).toBe(before.anthropic);
    expect(hash(plain, "openai:my-finetune")).toBe(before.finetune);
  });
});
