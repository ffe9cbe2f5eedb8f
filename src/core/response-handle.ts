/**
 * What `agent.ask` returns at once. Its methods await the answer: replayed
 * answers are ready immediately; sent ones resolve after they are committed.
 */
import { type AssistantTurnSource, assistantTurn } from "../documents/document.js";
import { InputError, InvalidOutputError, NotAvailable } from "./errors.js";
import type { ContentPart, LLMResult, Message, ToolCall, Usage } from "./llm.js";
import type { StandardSchema } from "./schema.js";

export type ResponseStatus = "ready" | "pending" | "absent" | "failed";

export class ResponseHandle<T = unknown> implements AssistantTurnSource {
  readonly agent: string;
  readonly hash: string;
  readonly occurrence: number;
  readonly seq: number;
  #status: ResponseStatus = "absent";
  #stored: { readonly text: string; readonly result: LLMResult } | undefined;
  #error: unknown;
  #pending: Promise<LLMResult> | undefined;
  /** For answers not sent yet (collected) or waiting in a provider batch: how to await them. */
  #deferred: (() => Promise<LLMResult>) | undefined;
  #validator: StandardSchema | undefined;
  #replayed = false;
  /** Set when awaiting the answer can only halt the agent (batch): one settled promise shared by many handles. */
  #halted: Promise<never> | undefined;

  /** @internal created by the agent */
  constructor(agent: string, hash: string, occurrence: number, seq: number, validator: StandardSchema | undefined) {
    this.agent = agent;
    this.hash = hash;
    this.occurrence = occurrence;
    this.seq = seq;
    this.#validator = validator;
  }

  /** `"ready"`: answered; `"pending"`: sent or in a batch; `"absent"`: not sent yet; `"failed"`. */
  status(): ResponseStatus {
    return this.#status;
  }

  /** True when the answer came from the store rather than from a provider in this run. */
  get replayed(): boolean {
    return this.#replayed;
  }

  /** The whole normalised answer. */
  result(): Promise<LLMResult> {
    switch (this.#status) {
      case "ready":
        return Promise.resolve(this.#stored!.result);
      case "failed":
        return Promise.reject(this.#error);
      default:
        if (this.#halted) return this.#halted;
        if (this.#pending) return this.#pending;
        if (this.#deferred) return this.#deferred();
        return Promise.reject(
          new NotAvailable(`The answer to ask #${this.seq} of agent "${this.agent}" is not available yet.`),
        );
    }
  }

  text(): Promise<string> {
    // Replays are the hot path: skip the async frame when the answer is here.
    if (this.#status === "ready") return Promise.resolve(this.#stored!.text);
    if (this.#halted) return this.#halted;
    return this.result().then((result) => result.text);
  }

  /** The answer parsed as JSON (code fences around it are tolerated). */
  async json(): Promise<unknown> {
    const text = await this.text();
    return parseJson(text, this.agent);
  }

  /** The structured answer, validated by the ask's `schema` and typed by it. */
  async value(): Promise<T> {
    const parsed = await this.json();
    const validator = this.#validator;
    if (!validator) return parsed as T;
    let outcome = validator["~standard"].validate(parsed);
    if (outcome instanceof Promise) outcome = await outcome;
    if (outcome.issues) {
      const problems = outcome.issues.slice(0, 5).map(describeIssue).join("; ");
      throw new InvalidOutputError(
        `The answer of agent "${this.agent}" does not match its schema (${problems}). The raw text is on error.rawText; retry with retryInvalid or change the schema.`,
        await this.text(),
      );
    }
    return outcome.value as T;
  }

  async toolCalls(): Promise<readonly ToolCall[]> {
    return (await this.result()).toolCalls;
  }

  async usage(): Promise<Usage> {
    return (await this.result()).usage;
  }

  /** The answer as an assistant message, tool calls included, to continue a conversation. */
  async toMessage(): Promise<Message> {
    return assistantMessage(await this.result());
  }

  [assistantTurn](): Message {
    if (this.#status === "ready") return assistantMessage(this.#stored!.result);
    if (this.#status === "failed") throw this.#error;
    if (this.#status === "absent") {
      throw new NotAvailable(`A response of agent "${this.agent}" was used as a document before it was available.`);
    }
    throw new InputError(
      `A response of agent "${this.agent}" was passed to ask() before it was ready; await it first (e.g. await response.text()).`,
    );
  }

  /** @internal `answer` is a result, or a stored answer that decodes its result lazily. */
  _ready(answer: { readonly text: string; readonly result: LLMResult }, replayed: boolean): void {
    this.#status = "ready";
    this.#stored = answer;
    this.#replayed = replayed;
    this.#pending = undefined;
    this.#deferred = undefined;
    this.#halted = undefined;
  }

  /** @internal */
  _await(promise: Promise<LLMResult>): void {
    this.#status = "pending";
    this.#halted = undefined;
    this.#pending = promise.then(
      (result) => {
        this._ready({ text: result.text, result }, false);
        return result;
      },
      (error: unknown) => {
        this._fail(error);
        throw error;
      },
    );
    // A failure nobody awaits is still recorded in the store; don't crash the process over it.
    this.#pending.catch(() => {});
  }

  /** @internal */
  _fail(error: unknown): void {
    this.#status = "failed";
    this.#error = error;
    this.#pending = undefined;
    this.#halted = undefined;
    this.#deferred = undefined;
  }

  /**
   * @internal collected for a batch at close: awaiting the answer halts the agent.
   * `halted` is rejected and handled already, so awaiting it costs no unhandled-rejection
   * bookkeeping (a big round halts 50,000 agents).
   */
  _halt(halted: Promise<never>): void {
    this.#status = "absent";
    this.#halted = halted;
  }

  /** @internal collected (`"absent"`) or in a provider batch (`"pending"`); `wait` halts or waits for a round. */
  _defer(status: "absent" | "pending", wait: () => Promise<LLMResult>): void {
    this.#status = status;
    this.#deferred = wait;
  }
}

/** "path: message" of a schema validation issue. */
export function describeIssue(issue: { message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> }) {
  const path = (issue.path ?? []).map((segment) => String(typeof segment === "object" ? segment.key : segment));
  return `${path.join(".") || "(root)"}: ${issue.message}`;
}

function assistantMessage(result: LLMResult): Message {
  const content: ContentPart[] = [];
  if (result.text) content.push({ type: "text", text: result.text });
  for (const call of result.toolCalls)
    content.push({ type: "tool-call", id: call.id, name: call.name, args: call.args });
  return { role: "assistant", content };
}

function parseJson(text: string, agent: string): unknown {
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/.exec(trimmed);
  try {
    return JSON.parse(fenced ? fenced[1] : trimmed);
  } catch (error) {
    throw new InvalidOutputError(
      `The answer of agent "${agent}" is not valid JSON (${(error as Error).message}). The raw text is on error.rawText.`,
      text,
      { cause: error },
    );
  }
}
