/**
 * The overview: calls by status, provider and model, and agent; tokens and cost by
 * model (a chart); sessions over time with what each sent, replayed and collected;
 * batches with state, progress and age; failures with their messages.
 */
import type { BatchRow, SessionRow, WorkspaceOverview } from "../../store/workspace-reader.js";
import { useApi } from "./api.js";
import { BarChart } from "./bar-chart.js";
import { formatAge, formatCount, formatDuration, formatMoney, oneLine } from "./format.js";
import { AgentLink, callHref, Section, Show, StatusBadge } from "./parts.js";
import { hrefOf } from "./router.js";

interface OverviewAnswer {
  readonly location: string;
  readonly overview: WorkspaceOverview;
  readonly batches: readonly BatchRow[];
}

const statuses = ["answered", "pending", "failed", "unanswered"] as const;

export function OverviewPage() {
  const loaded = useApi<OverviewAnswer>("/overview");
  return (
    <Show loaded={loaded}>
      {({ location, overview, batches }) => (
        <>
          <h1>Workspace</h1>
          <p class="quiet location">{location}</p>
          <CallCounts overview={overview} />
          <Spend overview={overview} />
          <Sessions overview={overview} />
          <Batches batches={batches} />
          <Failures overview={overview} />
        </>
      )}
    </Show>
  );
}

// --- internal ---

function CallCounts(props: { overview: WorkspaceOverview }) {
  const { calls, models, agents } = props.overview;
  const total = statuses.reduce((sum, status) => sum + calls[status], 0);
  return (
    <Section title={`Calls ${formatCount(total)}`} id="calls">
      <div class="cards">
        {statuses.map((status) => (
          <a class={`card card-${status}`} href={hrefOf("/calls", { status })} key={status}>
            <span class="card-count">{formatCount(calls[status])}</span>
            <StatusBadge status={status} />
          </a>
        ))}
      </div>
      <div class="columns">
        <table>
          <thead>
            <tr>
              <th>provider</th>
              <th>model</th>
              {statuses.map((status) => (
                <th class="number" key={status}>
                  {status}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {models.map((line) => (
              <tr key={`${line.provider}/${line.model}`}>
                <td>{line.provider}</td>
                <td>
                  <a href={hrefOf("/calls", { provider: line.provider, model: line.model })}>{line.model}</a>
                </td>
                {statuses.map((status) => (
                  <td class="number" key={status}>
                    {formatCount(line[status])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <table>
          <thead>
            <tr>
              <th>agent ({formatCount(agents.total)})</th>
              <th class="number">calls</th>
            </tr>
          </thead>
          <tbody>
            {agents.top.map((line) => (
              <tr key={line.agent}>
                <td>
                  <AgentLink agent={line.agent} />
                </td>
                <td class="number">{formatCount(line.calls)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}

function Spend(props: { overview: WorkspaceOverview }) {
  const { spent } = props.overview;
  return (
    <Section title="Tokens and cost by model" id="spend">
      {spent.byModel.length === 0 ? (
        <p class="quiet">No answers yet.</p>
      ) : (
        <BarChart
          title="Tokens by model"
          legend={[
            { kind: "input", label: "input tokens" },
            { kind: "output", label: "output tokens" },
          ]}
          rows={spent.byModel.map((line) => ({
            label: line.name,
            segments: [
              { kind: "input", value: line.inputTokens },
              { kind: "output", value: line.outputTokens },
            ],
            note: `${formatCount(line.inputTokens + line.outputTokens)} · ${formatMoney(line.cost, line.uncounted)}`,
          }))}
        />
      )}
      <p class="quiet">
        {spent.allTime.cost === undefined
          ? spent.allTime.uncounted > 0
            ? `Cost in all: unknown (${formatCount(spent.allTime.uncounted)} answers came without token counts, as Gemini's direct embeddings do).`
            : "Cost in all: unknown (a model has no known price; pllm cost shows which, --prices adds one)."
          : `Cost in all: ${formatMoney(spent.allTime.cost)}.`}{" "}
        List prices of {spent.pricesTakenOn}.
      </p>
    </Section>
  );
}

interface SummaryFigures {
  readonly sent?: number;
  readonly replayed?: number;
  readonly collected?: number;
  readonly failed?: number;
}

function Sessions(props: { overview: WorkspaceOverview }) {
  const { sessions, sessionCount, running } = props.overview;
  if (sessionCount === 0) return <Section title="Sessions">No sessions yet.</Section>;
  const figures = (session: SessionRow) => (session.summary ?? {}) as SummaryFigures;
  return (
    <Section title={`Sessions ${formatCount(sessionCount)}`} id="sessions">
      <BarChart
        title="What each session sent, replayed and collected"
        legend={[
          { kind: "sent", label: "sent" },
          { kind: "replayed", label: "replayed" },
          { kind: "collected", label: "collected" },
        ]}
        rows={sessions.map((session) => ({
          label: `#${session.id} ${session.strategy}`,
          segments: (["sent", "replayed", "collected"] as const).map((kind) => ({
            kind,
            value: figures(session)[kind] ?? 0,
          })),
          note: standing(session, running),
        }))}
      />
      <table>
        <thead>
          <tr>
            {["#", "strategy", "started", "took", "sent", "replayed", "collected", "failed", "answers stored"].map(
              (name) => (
                <th key={name}>{name}</th>
              ),
            )}
          </tr>
        </thead>
        <tbody>
          {[...sessions].reverse().map((session) => (
            <tr key={session.id}>
              <td>
                <a href={hrefOf("/calls", { session: session.id })}>{session.id}</a>
              </td>
              <td>{session.strategy}</td>
              <td title={new Date(session.startedAt).toLocaleString()}>{formatAge(session.startedAt)} ago</td>
              <td>{standing(session, running)}</td>
              {(["sent", "replayed", "collected", "failed"] as const).map((kind) => (
                <td class="number" key={kind}>
                  {formatCount(figures(session)[kind])}
                </td>
              ))}
              <td class="number">{formatCount(session.answers)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

/** How long an ended session took; a running one says so; one that never ended too. */
function standing(session: SessionRow, running: readonly number[]): string {
  if (session.endedAt !== undefined) return formatDuration(session.endedAt - session.startedAt);
  return running.includes(session.id) ? `running (${formatAge(session.startedAt)})` : "did not end";
}

function Batches(props: { batches: readonly BatchRow[] }) {
  if (props.batches.length === 0) return <Section title="Batches">No batches.</Section>;
  return (
    <Section title={`Batches (the latest ${formatCount(props.batches.length)})`} id="batches">
      <table>
        <thead>
          <tr>
            {["id", "provider / model", "provider batch", "state", "progress", "age", "session"].map((name) => (
              <th key={name}>{name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[...props.batches].reverse().map((batch) => {
            const done = batch.answered + batch.failed;
            return (
              <tr key={batch.id}>
                <td>{batch.id}</td>
                <td>
                  {batch.provider} / {batch.model}
                </td>
                <td class="mono">{batch.providerBatchId ?? "(not submitted yet)"}</td>
                <td>
                  <StatusBadge status={batch.state} />
                </td>
                <td>
                  <svg class="progress" width="120" height="10" role="img" aria-label={`${done} of ${batch.requests}`}>
                    <rect class="progress-track" width="120" height="10" rx="3" />
                    <rect
                      class="bar-answered"
                      width={(120 * batch.answered) / Math.max(1, batch.requests)}
                      height="10"
                      rx="3"
                    />
                    <rect
                      class="bar-failed"
                      x={(120 * batch.answered) / Math.max(1, batch.requests)}
                      width={(120 * batch.failed) / Math.max(1, batch.requests)}
                      height="10"
                    />
                  </svg>{" "}
                  {formatCount(done)} / {formatCount(batch.requests)}
                </td>
                <td title={new Date(batch.createdAt).toLocaleString()}>{formatAge(batch.createdAt)}</td>
                <td>{batch.session}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Section>
  );
}

function Failures(props: { overview: WorkspaceOverview }) {
  const { failures, calls } = props.overview;
  if (calls.failed === 0) return <Section title="Failures">None.</Section>;
  return (
    <Section title={`Failures ${formatCount(calls.failed)}`} id="failures">
      <ul class="failures">
        {failures.map((failure) => (
          <li key={`${failure.agent}/${failure.hash}/${failure.occurrence}`}>
            <a href={callHref(failure)}>{failure.agent}</a>{" "}
            <span class="quiet">
              {failure.provider}/{failure.model} · {failure.kind}
              {failure.statusCode === undefined ? "" : ` ${failure.statusCode}`} · {formatAge(failure.at)} ago ·{" "}
              {failure.attempts === 1 ? "1 attempt" : `${formatCount(failure.attempts)} attempts`}
            </span>
            <div class="message">{oneLine(failure.message, 300)}</div>
          </li>
        ))}
      </ul>
      {calls.failed > failures.length && (
        <p>
          <a href={hrefOf("/calls", { status: "failed" })}>All {formatCount(calls.failed)} failed calls</a>
        </p>
      )}
    </Section>
  );
}
