/**
 * One call whole: its request (instructions, documents with images, schema,
 * tools), the answer (structured output pretty-printed, tool calls), usage, cost,
 * timing, every attempt and error, its batches, and the raw provider responses
 * (collapsed, fetched when opened).
 */
import { useState } from "preact/hooks";
import type { CallKey } from "../../store/store.js";
import type { AttemptFailure, BatchRow, CallDetail, ReceivedAnswer } from "../../store/workspace-reader.js";
import type { ShownResult } from "../shown-result.js";
import { fetchJson, useApi } from "./api.js";
import { formatCount, formatDuration, formatMoney, formatTime } from "./format.js";
import { MessageView, type ShownMessage } from "./message-view.js";
import { AgentLink, JsonBlock, Section, Show, StatusBadge, TextBlock } from "./parts.js";
import { hrefOf, type Route } from "./router.js";

/** The call as the API gives it: raw responses left out (`hasRaw` says whether one is stored), vectors cut short. */
type ShownCall = Omit<CallDetail, "raw" | "answers" | "answer"> & {
  readonly hasRaw: boolean;
  readonly answer: ShownResult | undefined;
  readonly answers: readonly (Omit<ReceivedAnswer, "raw" | "result"> & {
    readonly hasRaw: boolean;
    readonly result: ShownResult;
  })[];
};

interface ShownRequest {
  readonly instructions?: string;
  /** An embedding call's text. */
  readonly text?: string;
  readonly messages?: readonly ShownMessage[];
  readonly schema?: unknown;
  readonly tools?: readonly { readonly name: string; readonly description?: string; readonly parameters?: unknown }[];
  readonly [other: string]: unknown;
}

export function CallPage(props: { route: Route }) {
  const query = Object.fromEntries(props.route.query);
  const loaded = useApi<ShownCall>("/call", query);
  return <Show loaded={loaded}>{(call) => <CallView call={call} />}</Show>;
}

// --- internal ---

function CallView(props: { call: ShownCall }) {
  const { call } = props;
  const key: CallKey = { agent: call.agent, hash: call.hash, occurrence: call.occurrence };
  const { instructions, text, messages, schema, tools, ...rest } = (call.request ?? {}) as ShownRequest;
  return (
    <>
      <h1>
        Call of <AgentLink agent={call.agent} /> <StatusBadge status={call.status} />
      </h1>
      <dl class="facts">
        <dt>hash</dt>
        <dd class="mono">
          {call.hash} (occurrence {call.occurrence})
        </dd>
        <dt>provider / model</dt>
        <dd>
          {call.provider ?? "–"} / {call.model ?? "–"}
        </dd>
        <dt>session / seq</dt>
        <dd>
          {call.session ?? "–"} / {call.seq ?? "–"}
        </dd>
        <dt>sent / received</dt>
        <dd>
          {formatTime(call.sentAt)} / {formatTime(call.receivedAt)}
          {call.sentAt !== undefined && call.receivedAt !== undefined
            ? ` (${formatDuration(call.receivedAt - call.sentAt)})`
            : ""}
        </dd>
        <dt>cost</dt>
        <dd>{call.answer ? formatMoney(call.cost, call.answer.usage.inputTokens === undefined ? 1 : 0) : "–"}</dd>
      </dl>
      <Section title="Request">
        {instructions !== undefined && (
          <>
            <h3>Instructions</h3>
            <TextBlock text={instructions} />
          </>
        )}
        {text === undefined ? (
          <>
            <h3>Messages</h3>
            {(messages ?? []).map((message, index) => (
              <MessageView message={message} call={key} key={index} />
            ))}
          </>
        ) : (
          <>
            <h3>Text embedded</h3>
            <TextBlock text={text} />
          </>
        )}
        {schema !== undefined && (
          <>
            <h3>Schema</h3>
            <JsonBlock value={schema} />
          </>
        )}
        {tools !== undefined && (
          <>
            <h3>Tools</h3>
            {tools.map((tool) => (
              <div class="tool" key={tool.name}>
                <strong>{tool.name}</strong> {tool.description}
                <JsonBlock value={tool.parameters} />
              </div>
            ))}
          </>
        )}
        {Object.keys(rest).length > 0 && (
          <>
            <h3>Model and options</h3>
            <JsonBlock value={rest} />
          </>
        )}
      </Section>
      <Answer call={call} structured={schema !== undefined} />
      {call.attempts.length > 0 && <Attempts attempts={call.attempts} />}
      {call.batches.length > 0 && <Batches batches={call.batches} />}
      <Section title={`Answers received ${call.answers.length}`}>
        {call.answers.length === 0 && <p class="quiet">None.</p>}
        {call.answers.map((answer, index) => (
          <div class="received" key={index}>
            <span>
              {answer.inUse ? "in use" : "not in use"} · session {answer.session} ·{" "}
              {answer.viaBatch ? "from a batch" : "direct"} · {formatTime(answer.receivedAt)}
            </span>
            {answer.hasRaw ? <RawResponse call={key} answer={index} /> : <p class="quiet">No raw response stored.</p>}
          </div>
        ))}
      </Section>
    </>
  );
}

function Answer(props: { call: ShownCall; structured: boolean }) {
  const { answer } = props.call;
  if (answer === undefined) return <Section title="Answer">No answer.</Section>;
  const parsed = props.structured ? parseJson(answer.text) : undefined;
  const { usage } = answer;
  return (
    <Section title="Answer">
      {answer.vector !== undefined ? (
        <p class="mono">
          Vector of {answer.vector.dimensions} dimensions: [
          {answer.vector.start.map((value) => value.toPrecision(4)).join(", ")}
          {answer.vector.dimensions > answer.vector.start.length ? ", …" : ""}]
        </p>
      ) : parsed === undefined ? (
        <TextBlock text={answer.text} />
      ) : (
        <JsonBlock value={parsed.value} />
      )}
      {answer.toolCalls.map((toolCall) => (
        <div class="tool" key={toolCall.id}>
          <div>
            Tool call <strong>{toolCall.name}</strong> <span class="mono quiet">{toolCall.id}</span>
          </div>
          <JsonBlock value={toolCall.args} />
        </div>
      ))}
      <dl class="facts">
        <dt>finish</dt>
        <dd>
          {answer.finishReason.unified}
          {answer.finishReason.raw ? ` (${answer.finishReason.raw})` : ""}
        </dd>
        <dt>answered by</dt>
        <dd>{answer.model ?? "–"}</dd>
        <dt>tokens</dt>
        <dd>
          {formatCount(usage.inputTokens)} in ({formatCount(usage.cachedInputTokens)} cached),{" "}
          {formatCount(usage.outputTokens)} out ({formatCount(usage.reasoningTokens)} reasoning)
        </dd>
        <dt>response id</dt>
        <dd class="mono">{answer.responseId ?? "–"}</dd>
      </dl>
    </Section>
  );
}

function Attempts(props: { attempts: readonly AttemptFailure[] }) {
  return (
    <Section title={`Failed attempts ${props.attempts.length}`}>
      <table>
        <thead>
          <tr>
            {["attempt", "session", "when", "kind", "status", "message", "request id"].map((name) => (
              <th key={name}>{name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.attempts.map((attempt, index) => (
            <tr key={index}>
              <td class="number">{attempt.attempt}</td>
              <td class="number">{attempt.session}</td>
              <td>{formatTime(attempt.at)}</td>
              <td>
                {attempt.kind}
                {attempt.viaBatch ? " (batch)" : ""}
              </td>
              <td>{attempt.statusCode ?? "–"}</td>
              <td class="message">{attempt.message}</td>
              <td class="mono">{attempt.requestId ?? "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

function Batches(props: { batches: readonly BatchRow[] }) {
  return (
    <Section title="Batches">
      <ul>
        {props.batches.map((batch) => (
          <li key={batch.id}>
            Batch {batch.id} ({batch.provider} / {batch.model}) <StatusBadge status={batch.state} />{" "}
            <span class="mono">{batch.providerBatchId ?? "(not submitted yet)"}</span> · {formatCount(batch.requests)}{" "}
            requests · <a href={hrefOf("/calls", { session: batch.session })}>session {batch.session}</a>
          </li>
        ))}
      </ul>
    </Section>
  );
}

/** The provider's response as received, fetched when opened. */
function RawResponse(props: { call: CallKey; answer: number }) {
  const [raw, setRaw] = useState<{ value: unknown } | { error: string } | undefined>(undefined);
  const toggle = (event: Event) => {
    if (!(event.currentTarget as HTMLDetailsElement).open || raw !== undefined) return;
    fetchJson(hrefOf("/api/call/raw", { ...props.call, answer: props.answer })).then(
      (value) => setRaw({ value }),
      (error: Error) => setRaw({ error: error.message }),
    );
  };
  return (
    <details class="raw" onToggle={toggle}>
      <summary>Raw provider response</summary>
      {raw === undefined ? (
        <p class="quiet">Loading…</p>
      ) : "error" in raw ? (
        <p class="error">{raw.error}</p>
      ) : (
        <JsonBlock value={raw.value} />
      )}
    </details>
  );
}

function parseJson(text: string): { readonly value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}
