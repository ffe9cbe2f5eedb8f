/**
 * parallellm as AI SDK middleware: `wrapLanguageModel({ model, middleware:
 * parallellmCache(dir) })` keys every `generateText` / `generateObject` call,
 * stores its answer the moment it arrives as a call of the workspace (provider
 * and model of the wrapped model, usage, under one agent), and replays it for
 * free on the next run. Identical calls in one process are told apart by
 * their occurrence, as a pipeline's asks are.
 */
import type { LanguageModelV3, LanguageModelV3GenerateResult, LanguageModelV3Middleware } from "@ai-sdk/provider";
import type { Agent } from "../../core/agent.js";
import { InputError } from "../../core/errors.js";
import { carriedProvider } from "../../core/llm.js";
import type { Logger, LogLevel } from "../../core/log.js";
import { Parallellm } from "../../parallellm.js";
import { builtInProviderNames } from "../../run/run-providers.js";
import { cacheAsk, promptAsJson } from "./cache-ask.js";
import { type GenerateSlot, PassThroughModel, PassThroughProvider } from "./pass-through-provider.js";
import { toAiSdkResult } from "./to-ai-sdk-result.js";

/** Settings of `parallellmCache`. */
export interface ParallellmCacheOptions {
  /** The workspace directory (`.pllm/<name>`), opened at the first call. */
  readonly directory: string;
  /** The agent the calls are stored under (`pllm calls --agent`). @default "ai-sdk" */
  readonly agent?: string | undefined;
  /** @default "warn" */
  readonly logLevel?: LogLevel | undefined;
  /** A pino-compatible logger for the workspace's records (default: one line each on stderr). */
  readonly logger?: Logger | undefined;
}

/** The middleware, and the workspace it keeps open. */
export interface ParallellmCache extends LanguageModelV3Middleware {
  /**
   * End the session and release the workspace (its lock). Called by itself when
   * the process runs out of work (`beforeExit`); call it sooner to open the
   * workspace elsewhere. A call after it opens the workspace again.
   */
  close(): Promise<void>;
}

/**
 * Cache an AI SDK model's `doGenerate` calls in a parallellm workspace. One
 * cache may wrap several models; share it rather than making two for one
 * directory (the second would wait for the first's lock). Streams
 * (`streamText`) pass through uncached.
 *
 * @example
 * const cache = parallellmCache(".pllm/chat");
 * const model = wrapLanguageModel({ model: openai("gpt-4.1-mini"), middleware: cache });
 * const { text } = await generateText({ model, prompt: "Hello" }); // free on the next run
 */
export function parallellmCache(directoryOrOptions: string | ParallellmCacheOptions): ParallellmCache {
  const options = typeof directoryOrOptions === "string" ? { directory: directoryOrOptions } : directoryOrOptions;
  if (typeof options?.directory !== "string" || options.directory === "") {
    throw new InputError(
      `parallellmCache takes a workspace directory (".pllm/chat") or { directory, agent }, got ${JSON.stringify(directoryOrOptions)}.`,
    );
  }
  const workspace = new CacheWorkspace(options);
  return {
    specificationVersion: "v3",
    wrapGenerate: ({ doGenerate, params, model }) => workspace.generate(model, params, doGenerate),
    close: () => workspace.close(),
  };
}

// --- internal ---

/** An open session of the workspace, with its one agent scope. */
interface OpenCache {
  readonly pllm: Parallellm;
  readonly agent: Agent;
  /** Ends the agent scope. */
  readonly release: () => void;
  readonly scope: Promise<unknown>;
}

class CacheWorkspace {
  readonly #options: ParallellmCacheOptions;
  #open: Promise<OpenCache> | undefined;
  readonly #providers = new Map<string, PassThroughProvider>();
  readonly #models = new Map<string, PassThroughModel>();
  readonly #onExit = () => void this.close();

  constructor(options: ParallellmCacheOptions) {
    this.#options = options;
  }

  async generate(
    model: LanguageModelV3,
    params: Parameters<LanguageModelV3["doGenerate"]>[0],
    doGenerate: () => PromiseLike<LanguageModelV3GenerateResult>,
  ): Promise<LanguageModelV3GenerateResult> {
    this.#open ??= this.#start().catch((error: unknown) => {
      this.#open = undefined;
      throw error;
    });
    const { agent } = await this.#open;
    const llm = this.#modelOf(model);
    const provider = llm[carriedProvider];
    const { documents, salt } = cacheAsk(params);
    const slot: GenerateSlot = { doGenerate };
    provider.expect(slot);
    let handle: ReturnType<Agent["ask"]>;
    try {
      handle = agent.ask(documents, { llm, salt });
    } catch (error) {
      // A prompt that is no valid ask as messages (an empty message) is stored as its JSON.
      if (!(error instanceof InputError)) throw error;
      provider.expect(slot);
      handle = agent.ask(promptAsJson(params.prompt), { llm, salt });
    } finally {
      provider.expect(undefined);
    }
    try {
      const result = await handle.result();
      return slot.result ?? toAiSdkResult(result);
    } catch (error) {
      throw slot.error ?? error;
    }
  }

  async close(): Promise<void> {
    const open = this.#open;
    if (open === undefined) return;
    this.#open = undefined;
    process.off("beforeExit", this.#onExit);
    const { pllm, release, scope } = await open;
    release();
    await scope;
    await pllm.close();
  }

  async #start(): Promise<OpenCache> {
    const { directory, agent: name = "ai-sdk", logLevel, logger } = this.#options;
    const pllm = await Parallellm.open(directory, {
      strategy: "async",
      summary: false,
      handleSignals: false,
      // The AI SDK retries its own calls (maxRetries), and an error goes back to it as it came.
      retry: { maxAttempts: 1 },
      // A call that failed for good in an earlier run is the AI SDK's to send again, as without a cache.
      retryFailed: true,
      logLevel,
      logger,
      // Models whose provider has a built-in's name are served by a pass-through too.
      providers: Object.fromEntries(builtInProviderNames.map((builtIn) => [builtIn, this.#providerOf(builtIn)])),
    });
    let release!: () => void;
    const ended = new Promise<void>((resolve) => {
      release = resolve;
    });
    let agent: Agent | undefined;
    let entered!: () => void;
    const started = new Promise<void>((resolve) => {
      entered = resolve;
    });
    // One agent scope for the cache's life: calls made at once share it, as asks of one agent do.
    const scope = pllm.agent(name, async (scoped) => {
      agent = scoped;
      entered();
      await ended;
    });
    try {
      await Promise.race([started, scope]);
    } catch (error) {
      await pllm.close();
      throw error;
    }
    process.on("beforeExit", this.#onExit);
    return { pllm, agent: agent as Agent, release, scope };
  }

  #providerOf(name: string): PassThroughProvider {
    let provider = this.#providers.get(name);
    if (provider === undefined) {
      provider = new PassThroughProvider(name);
      this.#providers.set(name, provider);
    }
    return provider;
  }

  /** The identity of a wrapped model: its provider name and model id. */
  #modelOf(model: LanguageModelV3): PassThroughModel {
    const key = `${model.provider}\u0000${model.modelId}`;
    let identity = this.#models.get(key);
    if (identity === undefined) {
      identity = new PassThroughModel(this.#providerOf(model.provider), model.modelId);
      this.#models.set(key, identity);
    }
    return identity;
  }
}
