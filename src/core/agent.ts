/**
 * An agent is a named scope with its own call sequence. Its asks are
 * identified by (agent, request hash, occurrence of that hash in the agent).
 */
import { format } from "node:util";
import type { Document } from "../documents/document.js";
import type { AskSite } from "./ask-location.js";
import type { CallEngine } from "./call-engine.js";
import type { AskOptions, CallDefaults, ResolvedModel } from "./call-options.js";
import { checkAskOptions, checkConversationOptions } from "./check-ask-options.js";
import { Conversation, type ConversationOptions } from "./conversation.js";
import type { ConversationBook } from "./conversation-book.js";
import { checkEmbedOptions, type EmbedOptions, embedTexts } from "./embed-options.js";
import type { IdentityCache } from "./identity-cache.js";
import type { LLM, LLMResult } from "./llm.js";
import { mergeCallOptions, prepareCall, retryCall } from "./prepare-call.js";
import { type EmbedShape, prepareEmbedCall } from "./prepare-embed-call.js";
import { ResponseHandle } from "./response-handle.js";
import { type RunToolsOptions, runTools, type ToolRun } from "./run-tools.js";
import type { InferOutput, SchemaInput, ToolsInput } from "./schema.js";

/** Sequence state of one agent name within a run; scopes of that name run one after another and continue it. */
export class AgentState {
  seq = 0;
  /** A scope of this name is running (a second one at the same time is refused). */
  running = false;
  // Most agents ask each request once, and many ask once in all (one per item of a big
  // forEach): the first hash is counted without a Map.
  #firstHash: string | undefined;
  #firstCount = 0;
  #counts: Map<string, number> | undefined;

  /** The occurrence of `hash` for this ask: 0 the first time the agent asks it, then 1, 2... */
  nextOccurrence(hash: string): number {
    if (this.#firstHash === undefined) this.#firstHash = hash;
    if (hash === this.#firstHash) return this.#firstCount++;
    this.#counts ??= new Map();
    const occurrence = this.#counts.get(hash) ?? 0;
    this.#counts.set(hash, occurrence + 1);
    return occurrence;
  }
}

export interface AgentContext {
  readonly engine: CallEngine;
  readonly resolveLLM: (llm: LLM) => ResolvedModel;
  /** The run's memos of call preparation. */
  readonly identity: IdentityCache;
  readonly conversations: ConversationBook;
  /** Prints a line of user output (above the live dashboard). */
  readonly log: (text: string) => void;
}

export class Agent {
  readonly name: string;
  readonly #state: AgentState;
  readonly #context: AgentContext;
  readonly #defaults: CallDefaults;

  /** @internal created by `pllm.agent` */
  constructor(name: string, state: AgentState, context: AgentContext, defaults: CallDefaults) {
    this.name = name;
    this.#state = state;
    this.#context = context;
    this.#defaults = defaults;
  }

  /** Print a line of output, prefixed with the agent's name, above the live dashboard. */
  log(...values: unknown[]): void {
    this.#context.log(`[${this.name}] ${format(...values)}`);
  }

  /**
   * Ask a model. Returns at once; await `text()`, `value()`... for the answer.
   * A stored answer is replayed without sending anything.
   *
   * @example
   * const verdict = agent.ask(`Predict ${a} vs ${b}.`, { schema: Verdict });
   * const { winner } = await verdict.value();
   */
  ask<S extends SchemaInput | undefined = undefined>(
    documents: Document | readonly Document[],
    options?: AskOptions<S>,
  ): ResponseHandle<S extends undefined ? unknown : InferOutput<S>> {
    const engine = this.#context.engine;
    if (options !== undefined) checkAskOptions(options);
    const merged = mergeCallOptions(this.#defaults, options);
    const call = prepareCall(documents, merged, this.#context.resolveLLM, this.#context.identity);
    engine.admit(this.name);
    const state = this.#state;
    const occurrence = state.nextOccurrence(call.hash);
    const seq = state.seq++;
    const handle = new ResponseHandle<S extends undefined ? unknown : InferOutput<S>>(
      this.name,
      call.hash,
      occurrence,
      seq,
      call.validator,
    );
    const key = { agent: this.name, hash: call.hash, occurrence };
    const retries = merged.retryInvalid ?? 0;
    if (retries > 0 && call.request.schema !== undefined) {
      // A retry is made when the invalid answer arrives, later: where to say it was asked comes from here.
      const askSite = this.#captureAskSite();
      handle._retryInvalid({
        limit: retries,
        askAgain: (attempt) => {
          const retry = retryCall(call, attempt);
          handle._identify(retry.hash, occurrence, state.seq++);
          const retryKey = { agent: this.name, hash: retry.hash, occurrence };
          engine.resolve(handle as ResponseHandle, retryKey, retry, merged, askSite);
        },
      });
      engine.resolve(handle as ResponseHandle, key, call, merged, askSite);
    } else {
      engine.resolve(handle as ResponseHandle, key, call, merged, this.#captureAskSite);
    }
    return handle;
  }

  /**
   * Embed texts: one vector per text, in order. Each text is a call of its own
   * (identified by provider, model, `dimensions`, `inputType` and the text), so a
   * stored vector is replayed without sending anything and a rerun with one text
   * changed embeds only that text. Texts not stored are sent in chunks within the
   * endpoint's limits, or collected for a provider batch (`batch`, `hybrid`).
   *
   * @example
   * const [query, ...documents] = await agent.embed([question, ...passages], { model: "text-embedding-3-small" });
   */
  embed(texts: string | readonly string[], options: EmbedOptions): Promise<Float32Array[]> {
    checkEmbedOptions(options);
    const list = embedTexts(texts);
    const engine = this.#context.engine;
    const llm = this.#context.resolveLLM(options.model);
    engine.checkEmbeddings(llm);
    const shape: EmbedShape = { llm, options: { dimensions: options.dimensions, inputType: options.inputType } };
    const sendOptions = { ignoreCache: options.ignoreCache, rewriteCache: options.rewriteCache };
    const site: { stack?: string } = {};
    Error.captureStackTrace(site, this.embed);
    const state = this.#state;
    const vectors = list.map((text) => {
      const call = prepareEmbedCall(text, shape);
      engine.admit(this.name);
      const occurrence = state.nextOccurrence(call.hash);
      const handle = new ResponseHandle(this.name, call.hash, occurrence, state.seq++, undefined);
      engine.resolve(handle, { agent: this.name, hash: call.hash, occurrence }, call, sendOptions, site);
      return handle.result().then(vectorOf);
    });
    return Promise.all(vectors);
  }

  /** The user's ask on the stack: one capture (`new Error` would add a second), formatted only if the call fails. */
  readonly #captureAskSite = (): AskSite => {
    const site: { stack?: string } = {};
    Error.captureStackTrace(site, this.ask);
    return site;
  };

  /**
   * A persisted, tree-shaped message history of this agent, on branch `options.branch`
   * (default `"main"`), with `options` as defaults for its asks. It starts empty in
   * every run: code that rebuilds the same history reuses the stored messages and
   * replays their answers. `await conversation.resume()` continues from where an
   * earlier run left the branch instead.
   *
   * @example
   * const conv = agent.conversation("support", { instructions: "You are a support agent." });
   * await conv.ask("My order has not arrived.").text();
   * const polite = conv.fork("polite");
   * await polite.ask("Reply very politely.").text();
   */
  conversation(name = "default", options: ConversationOptions = {}): Conversation {
    checkConversationOptions(options);
    const { branch = "main", ...defaults } = options;
    const agent = new Agent(this.name, this.#state, this.#context, mergeCallOptions(this.#defaults, defaults));
    return new Conversation(agent, this.#context.conversations, name, branch, undefined);
  }

  /**
   * The tool loop: ask with `tools`; while the answer calls tools and fewer than
   * `maxSteps` asks were made, run the `handlers` (a throwing handler becomes an
   * error result) and ask again with the answer and the tool results. Every step is
   * an ordinary ask: it replays for free, and in batch mode the loop advances one
   * step per batch round. Handlers run again on replay; their results shape the next ask.
   *
   * @example
   * const run = await agent.runTools("How many files are in src?", {
   *   tools: { count_files: { description: "Count files", parameters: z.object({ directory: z.string() }) } },
   *   handlers: { count_files: ({ directory }) => readdirSync(directory).length },
   * });
   * console.log(await run.response.text());
   */
  runTools<T extends ToolsInput, S extends SchemaInput | undefined = undefined>(
    prompt: Document | readonly Document[],
    options: RunToolsOptions<T, S>,
  ): Promise<ToolRun<S extends undefined ? unknown : InferOutput<S>>> {
    return runTools(this, prompt, options);
  }
}

function vectorOf(result: LLMResult): Float32Array {
  if (result.embedding) return result.embedding;
  throw new Error("An embedding call was answered without a vector: a bug in parallellm, please report it.");
}
