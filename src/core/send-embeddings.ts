/**
 * Sending embedding calls: the calls routed to be sent in one turn of the event
 * loop are grouped by provider, model and options, and sent in chunks within
 * the endpoint's limits (texts and tokens per request), each chunk one request
 * under the strategy's limits and retries. Each text keeps a call of its own:
 * its vector is committed to the store before it is handed on, failures are
 * recorded per call, the run's counts are per call.
 */
import type { EmbeddingApi, EmbeddingResponse } from "../providers/provider.js";
import type { CallKey } from "../store/store.js";
import { askLocation } from "./ask-location.js";
import { embeddingResult } from "./embedding-result.js";
import { foreignProviderError, InputError, Interrupted, ParallellmError, ProviderError } from "./errors.js";
import type { LLMRequest, LLMResult } from "./llm.js";
import { errorMessage } from "./log.js";
import type { PreparedCall } from "./prepare-call.js";
import { embeddedText } from "./prepare-embed-call.js";
import { callFields, claimedElsewhere, recordFailedAttempt, type SendContext, type SendOptions } from "./send-call.js";

interface Entry {
  readonly key: CallKey;
  readonly call: PreparedCall;
  readonly options: SendOptions;
  readonly text: string;
  readonly resolve: (result: LLMResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Tokens per character assumed when chunking by an endpoint's token limit: generous
 * (English runs about 1 token per 4 characters) so that text in other scripts does
 * not push a chunk over the limit, which would fail all of its texts.
 */
const tokensPerCharacter = 0.5;

export class EmbeddingSender {
  readonly #context: SendContext;
  #queue: Entry[] = [];
  #scheduled = false;

  constructor(context: SendContext) {
    this.#context = context;
  }

  /**
   * Send one embedding call (with the others routed in this turn); resolves once its vector is stored.
   * A call with a claim to take (a store workers share) goes out only once it holds it.
   */
  readonly send = async (_context: SendContext, key: CallKey, call: PreparedCall, options: SendOptions) => {
    if (options.claim && !(await options.claim())) throw claimedElsewhere;
    return new Promise<LLMResult>((resolve, reject) => {
      this.#queue.push({ key, call, options, text: embeddedText(call.request), resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    });
  };

  #flush(): void {
    const queue = this.#queue;
    this.#queue = [];
    this.#scheduled = false;
    const groups = new Map<string, Entry[]>();
    for (const entry of queue) {
      const { provider, model, embedding } = entry.call.request;
      const label = `${provider}\u0000${model}\u0000${embedding?.dimensions}\u0000${embedding?.inputType}`;
      const group = groups.get(label);
      if (group) group.push(entry);
      else groups.set(label, [entry]);
    }
    for (const group of groups.values()) {
      const api = this.#context.providerFor(group[0]!.call.llm.provider).embeddings;
      if (!api) {
        // agent.embed refuses a provider without embeddings; a call gets here only by a bug.
        for (const entry of group)
          entry.reject(new InputError(`Provider "${entry.call.llm.provider}" has no embeddings.`));
        continue;
      }
      for (const chunk of chunks(group, api)) {
        // Whatever escapes a chunk (a bug) fails its calls rather than leaving them unsettled.
        this.#sendChunk(api, chunk).catch((error: unknown) => {
          for (const entry of chunk) entry.reject(error);
        });
      }
    }
  }

  /** One request for `chunk`; a chunk the provider rejects is split in two and each half sent, down to one text. */
  async #sendChunk(api: EmbeddingApi, chunk: readonly Entry[]): Promise<void> {
    const { strategy, tally, session, store, log } = this.#context;
    const stats = tally.stats;
    const first = chunk[0]!;
    const { provider, model } = first.call.llm;
    const request: LLMRequest = {
      provider,
      model,
      messages: chunk.map((entry) => entry.call.request.messages[0]!),
      embedding: first.call.request.embedding,
    };
    const sentAt = Date.now();
    // One span per text, as each ask has one: the chunk's request is each text's.
    const spans =
      this.#context.telemetry && chunk.map((entry) => this.#context.telemetry!.callStarted(entry.key, entry.call, 0));
    let counted = false;
    let requestMade = false;
    let response: EmbeddingResponse | undefined;
    try {
      await strategy.run({
        provider,
        model,
        request,
        send: async () => {
          if (!counted) {
            counted = true;
            stats.sent += chunk.length;
          }
          response = await embedOnce(api, model, provider, chunk);
          // What the strategy reads of an attempt: the request's tokens, for limits that count them.
          return embeddingResult(emptyVector, response.inputTokens, response.model);
        },
        waitsForLimit: (waitMs) => {
          if (log.infoOn) log.info({ ...this.#fields(first), texts: chunk.length, waitMs }, "waiting for a rate limit");
        },
        attemptFailed: (error, attempt, retryInMs) => {
          if (retryInMs !== undefined && log.warnOn) {
            log.warn(
              { ...this.#fields(first), texts: chunk.length, attempt, error: error.message, retryInMs },
              "retrying after a transient error",
            );
          }
          if (!error.requestSent) return;
          requestMade = true;
          stats.failedAttempts++;
          for (const entry of chunk) {
            recordFailedAttempt(store, entry.key, entry.options.seq, session, { provider, model }, attempt, error);
          }
        },
      });
    } catch (error) {
      for (const span of spans ?? []) span.ended(undefined, error);
      if (counted && !requestMade) stats.sent -= chunk.length;
      if (chunk.length > 1 && error instanceof ProviderError && error.kind === "request-rejected") {
        // One text the provider refuses (too long...) must not fail the texts sent with it.
        if (counted && requestMade) stats.sent -= chunk.length;
        const half = Math.ceil(chunk.length / 2);
        await Promise.all([this.#sendChunk(api, chunk.slice(0, half)), this.#sendChunk(api, chunk.slice(half))]);
        return;
      }
      for (const entry of chunk) entry.reject(this.#failed(entry, error));
      return;
    }
    const received = response!;
    const tokens = shareTokens(received.inputTokens, chunk);
    const receivedAt = Date.now();
    await Promise.all(
      chunk.map(async (entry, index) => {
        const result = embeddingResult(received.vectors[index]!, tokens?.[index], received.model);
        spans?.[index]?.ended(result, undefined);
        try {
          const callId = await store.saveResponse({
            agent: entry.key.agent,
            hash: entry.key.hash,
            occurrence: entry.key.occurrence,
            seq: entry.options.seq,
            session,
            provider,
            model,
            canonical: entry.call.canonical.json,
            documents: entry.call.canonical.documents,
            result,
            sentAt,
            receivedAt,
            mode: entry.options.keepStored ? "keep" : "replace",
          });
          tally.received(model, result, callId, entry.options.isNew);
          entry.resolve(result);
        } catch (error) {
          stats.failed++;
          entry.reject(error);
        }
      }),
    );
  }

  /** A call of a chunk that failed: counted, logged, located; returns the error to reject it with. */
  #failed(entry: Entry, error: unknown): unknown {
    const { tally, log } = this.#context;
    if (error instanceof Interrupted) {
      tally.stats.interrupted++;
      return error;
    }
    tally.stats.failed++;
    if ((error instanceof ProviderError || error instanceof InputError) && error.agent === undefined) {
      error._locate(entry.key.agent, askLocation(entry.options.askSite));
    }
    if (log.warnOn) log.warn({ ...this.#fields(entry), error: errorMessage(error) }, "call failed");
    if (error instanceof ProviderError && error.kind === "request-rejected" && entry.options.isNew) {
      tally.failedForGood({
        agent: entry.key.agent,
        provider: entry.call.llm.provider,
        model: entry.call.llm.model,
        statusCode: error.statusCode,
        message: error.providerMessage ?? error.message,
      });
    }
    return error;
  }

  #fields(entry: Entry) {
    return callFields(this.#context.session, entry.key, entry.call);
  }
}

// --- internal ---

const emptyVector = new Float32Array(0);

/** `group` in chunks within `api.limits`, in order. */
function* chunks(group: readonly Entry[], api: EmbeddingApi): Generator<Entry[]> {
  const { maxInputs, maxTokens } = api.limits;
  let chunk: Entry[] = [];
  let tokens = 0;
  for (const entry of group) {
    const estimate = Math.ceil(entry.text.length * tokensPerCharacter);
    if (chunk.length === maxInputs || (maxTokens !== undefined && chunk.length > 0 && tokens + estimate > maxTokens)) {
      yield chunk;
      chunk = [];
      tokens = 0;
    }
    chunk.push(entry);
    tokens += estimate;
  }
  if (chunk.length > 0) yield chunk;
}

/** One attempt; whatever is not a `ParallellmError` becomes a `ProviderRequestError`. */
async function embedOnce(
  api: EmbeddingApi,
  model: string,
  provider: string,
  chunk: readonly Entry[],
): Promise<EmbeddingResponse> {
  try {
    const options = chunk[0]!.call.request.embedding ?? {};
    const response = await api.embed({ model, texts: chunk.map((entry) => entry.text), options });
    if (response.vectors.length !== chunk.length) {
      throw new Error(`the response holds ${response.vectors.length} vectors for ${chunk.length} texts`);
    }
    return response;
  } catch (error) {
    throw error instanceof ParallellmError ? error : foreignProviderError(error, provider, model);
  }
}

/**
 * A request's input tokens shared out among its texts by length (largest remainder),
 * so the counts of its calls add up to what the provider reported; `undefined` when it reported none.
 */
export function shareTokens(
  total: number | undefined,
  chunk: readonly { readonly text: string }[],
): number[] | undefined {
  if (total === undefined) return undefined;
  if (chunk.length === 1) return [total];
  let characters = 0;
  for (const entry of chunk) characters += entry.text.length;
  const exact = chunk.map((entry) => (total * entry.text.length) / characters);
  const shares = exact.map(Math.floor);
  let left = total - shares.reduce((sum, share) => sum + share, 0);
  const order = exact.map((value, index) => [value - Math.floor(value), index] as const).sort((a, b) => b[0] - a[0]);
  for (const [, index] of order) {
    if (left-- <= 0) break;
    shares[index]!++;
  }
  return shares;
}
