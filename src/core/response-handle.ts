/**
 * What `agent.ask` returns at once. Its methods await the answer: replayed
 * answers are ready immediately; sent ones resolve after they are committed.
 */
import { type AssistantTurnSource, assistantTurn } from "../documents/document.js";
import { AnswerStream, readAnswerStream, readPartialJson } from "./answer-stream.js";
import { InputError, InvalidOutputError, NotAvailable } from "./errors.js";
import type { ContentPart, LLMResult, Message, ToolCall, Usage } from "./llm.js";
import type { StandardSchema } from "./schema.js";

export type ResponseStatus = "ready" | "pending" | "absent" | "failed";

/** Structured output as it streams: any member may be missing yet, and strings may be cut short. */
export type PartialValue<T> = T extends readonly (infer Item)[]
  ? PartialValue<Item>[]
  : T extends object
    ? { [Key in keyof T]?: PartialValue<T[Key]> }
    : T;

/** @internal How an ask with `retryInvalid` asks again: attempt 1, 2... up to `limit`. */
export interface InvalidRetry {
  readonly limit: number;
  /** Makes attempt `attempt` of the ask: a call of its own, whose answer this handle takes (`_identify` first). */
  readonly askAgain: (attempt: number) => void;
}

export class ResponseHandle<T = unknown> implements AssistantTurnSource {
  readonly agent: string;
  #hash: string;
  #occurrence: number;
  #seq: number;
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
  /** With `retryInvalid`: how to ask again, and how many times it was. */
  #retry: InvalidRetry | undefined;
  #retries = 0;
  /** Where the sender streams the answer, once a consumer asked for a stream. */
  #stream: AnswerStream | undefined;

  /** @internal created by the agent */
  constructor(agent: string, hash: string, occurrence: number, seq: number, validator: StandardSchema | undefined) {
    this.agent = agent;
    this.#hash = hash;
    this.#occurrence = occurrence;
    this.#seq = seq;
    this.#validator = validator;
  }

  /** The call's identity hash (a retry of an invalid answer has its own). */
  get hash(): string {
    return this.#hash;
  }

  /** Earlier asks of the same hash by this agent in this run. */
  get occurrence(): number {
    return this.#occurrence;
  }

  /** The agent's running count of asks, for audit. */
  get seq(): number {
    return this.#seq;
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
    return parseJson(text, this.agent, ". The raw text is on error.rawText.");
  }

  /** The structured answer, validated by the ask's `schema` and typed by it. */
  async value(): Promise<T> {
    const text = await this.text();
    const advice = this.#invalidAdvice();
    const parsed = parseJson(text, this.agent, advice);
    const validator = this.#validator;
    if (!validator) return parsed as T;
    let outcome = validator["~standard"].validate(parsed);
    if (outcome instanceof Promise) outcome = await outcome;
    if (outcome.issues) {
      const problems = outcome.issues.slice(0, 5).map(describeIssue).join("; ");
      throw new InvalidOutputError(
        `The answer of agent "${this.agent}" does not match its schema (${problems})${advice}`,
        text,
      );
    }
    return outcome.value as T;
  }

  /**
   * The answer's text as it arrives, in deltas that concatenate to `text()`.
   * Ask for it before the call is sent (right after `ask`, before awaiting
   * anything else): the call is then sent as a stream. A call already sent
   * without one, or a replayed answer, yields its whole text at once. Several
   * consumers may stream one handle; each starts from the beginning of the
   * current attempt. When an attempt is cut off midway and sent again (a retry,
   * or the next model of the `llm` list) after part of it was yielded, the
   * iteration throws `StreamRestarted`: call `textStream()` again to stream the
   * new attempt, or await `text()`. Throws an `InputError` for an ask collected
   * for a provider batch (strategies `batch`, `dry-run`): batches do not stream.
   *
   * @example
   * for await (const delta of agent.ask("Tell a story.").textStream()) process.stdout.write(delta);
   */
  textStream(): AsyncIterable<string> {
    if (this.#status === "ready") return readStoredText(this.#stored!.text);
    if (this.#halted) {
      throw new InputError(
        `Ask #${this.seq} of agent "${this.agent}" is collected for a provider batch, and batches do not stream. Await text() or value() instead, or run with the sync or async strategy to stream.`,
      );
    }
    this.#stream ??= new AnswerStream();
    return readAnswerStream(this.#stream, () => this.text(), this.agent);
  }

  /**
   * The structured answer as it streams: objects parsed from the text so far
   * (members may be missing, strings cut short), each different from the one
   * before, ending in the validated `value()`. Streams as `textStream()` does,
   * and throws as it does.
   *
   * @example
   * for await (const partial of agent.ask("Plan a trip.", { schema: Trip }).partialValue()) render(partial);
   */
  partialValue(): AsyncIterable<PartialValue<T>> {
    return this.#partialValues(this.textStream());
  }

  async *#partialValues(texts: AsyncIterable<string>): AsyncGenerator<PartialValue<T>> {
    yield* readPartialJson(texts) as AsyncGenerator<PartialValue<T>>;
    yield (await this.value()) as PartialValue<T>;
  }

  /** @internal Where the sender streams the answer; `undefined` when no consumer asked for a stream. */
  _streamed(): AnswerStream | undefined {
    return this.#stream;
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

  /**
   * @internal Ask again when an answer does not match the schema: the answer
   * is checked as it arrives, so the handle is ready only with an accepted
   * one (or the last, once `retry.limit` retries are spent).
   */
  _retryInvalid(retry: InvalidRetry): void {
    this.#retry = retry;
  }

  /** @internal The call this handle now waits for: a retry's identity. */
  _identify(hash: string, occurrence: number, seq: number): void {
    this.#hash = hash;
    this.#occurrence = occurrence;
    this.#seq = seq;
  }

  /**
   * @internal An answer arrived (replayed or received). With `retryInvalid`, an
   * answer that does not match the schema is asked again instead.
   */
  _ready(answer: Answer, replayed: boolean): void {
    const retry = this.#retry;
    if (retry !== undefined && this.#retries < retry.limit) {
      const verdict = this.#accepts(answer);
      if (verdict === false) {
        this.#askAgain(retry);
        return;
      }
      if (verdict !== true) {
        // An asynchronous schema: pending until it has judged.
        this.#status = "pending";
        this.#halted = undefined;
        this.#deferred = undefined;
        this.#pending = verdict.then((accepted) => {
          if (!accepted) {
            this.#askAgain(retry);
            return this.result();
          }
          this.#settle(answer, replayed);
          return answer.result;
        });
        this.#pending.catch(() => {});
        return;
      }
    }
    this.#settle(answer, replayed);
  }

  /** @internal */
  _await(promise: Promise<LLMResult>): void {
    this.#status = "pending";
    this.#halted = undefined;
    this.#pending = promise.then(
      (result) => {
        this._ready({ text: result.text, result }, false);
        // An invalid answer asked again: this resolves with the retry's answer (or halts with it).
        return this.#status === "ready" ? result : this.result();
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

  #settle(answer: Answer, replayed: boolean): void {
    this.#status = "ready";
    this.#stored = answer;
    this.#replayed = replayed;
    this.#pending = undefined;
    this.#deferred = undefined;
    this.#halted = undefined;
  }

  /** Whether `answer` may stand: JSON that the schema accepts, or an answer that calls tools instead. */
  #accepts(answer: Answer): boolean | Promise<boolean> {
    if (answer.result.toolCalls.length > 0) return true;
    let parsed: unknown;
    try {
      parsed = parseJson(answer.text, this.agent, "");
    } catch {
      return false;
    }
    let outcome: ReturnType<StandardSchema["~standard"]["validate"]> | undefined;
    try {
      outcome = this.#validator?.["~standard"].validate(parsed);
    } catch {
      // A schema that throws is the schema's fault, not the answer's: value() raises it.
      return true;
    }
    if (outcome instanceof Promise) return outcome.then((settled) => !settled.issues);
    return !outcome?.issues;
  }

  #askAgain(retry: InvalidRetry): void {
    this.#retries++;
    // The retry's own state replaces what the invalid answer left.
    this.#status = "absent";
    this.#pending = undefined;
    this.#halted = undefined;
    this.#deferred = undefined;
    try {
      retry.askAgain(this.#retries);
    } catch (error) {
      this._fail(error);
    }
  }

  /** What an InvalidOutputError says to do, true to how this ask was made. */
  #invalidAdvice(): string {
    const limit = this.#retry?.limit;
    if (limit === undefined || limit === 0) {
      return ". The raw text is on error.rawText; ask with retryInvalid: n to ask again, or change the schema.";
    }
    const asks = `${this.#retries} more ask${this.#retries === 1 ? "" : "s"}`;
    return ` after ${asks} (retryInvalid: ${limit}). The raw text is on error.rawText (the last answer's); loosen the schema or raise retryInvalid.`;
  }
}

/** An answer as it lands on a handle: a result, or a stored answer that decodes its result lazily. */
type Answer = { readonly text: string; readonly result: LLMResult };

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

/** A stored answer's text, as one delta. */
async function* readStoredText(text: string): AsyncGenerator<string> {
  if (text !== "") yield text;
}

/** `text` as JSON (code fences tolerated); `advice` ends the error's message. */
function parseJson(text: string, agent: string, advice: string): unknown {
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/.exec(trimmed);
  try {
    return JSON.parse(fenced ? fenced[1] : trimmed);
  } catch (error) {
    throw new InvalidOutputError(
      `The answer of agent "${agent}" is not valid JSON (${(error as Error).message})${advice}`,
      text,
      { cause: error },
    );
  }
}
