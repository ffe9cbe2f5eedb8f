/**
 * The viewer's JSON API over a `WorkspaceReader`, read-only like the reader: the
 * overview, pages of calls, one call (its raw responses and images on demand),
 * batches, failures, conversations, and an agent's asks in the order asked.
 */
import { type Context, Hono } from "hono";
import { InputError } from "../core/errors.js";
import type { CallDetail, CallRow, WorkspaceReader } from "../store/workspace-reader.js";
import { exactAgentGlob } from "./exact-agent-glob.js";
import { shownResult } from "./shown-result.js";
import { imageResponseOf, imagesOf, withImageReferences } from "./view-images.js";
import {
  callFilterOfQuery,
  callFilterParameters,
  callIdOfQuery,
  callKeyParameters,
  type Query,
  queryOf,
  wholeNumberOf,
} from "./view-query.js";

/** The most sessions, failures and batches the overview lists (its counts are always whole). */
const overviewSessions = 30;
const overviewFailures = 20;
const overviewBatches = 50;
/** The most asks of one agent listed; more are counted as `more`. */
const agentAsks = 10_000;

/** The API's routes, to mount under `/api`. */
export function viewApi(reader: WorkspaceReader): Hono {
  const api = new Hono();
  const takes = (context: Context, ...names: readonly string[]) =>
    queryOf(context.req.path, context.req.query(), names);
  api.get("/overview", async (context) => {
    takes(context);
    const [overview, batches] = await Promise.all([
      reader.overview({ sessions: overviewSessions, agents: 10, failures: overviewFailures }),
      reader.batches(),
    ]);
    return context.json({ location: reader.location, overview, batches: batches.slice(-overviewBatches) });
  });
  api.get("/calls", async (context) => {
    const query = takes(context, ...callFilterParameters, "limit", "after");
    const limit = query.limit === undefined ? 50 : wholeNumberOf(query.limit, "limit", 1);
    return context.json(await reader.calls({ ...callFilterOfQuery(query), limit, after: query.after }));
  });
  api.get("/call", async (context) => {
    const detail = await callOf(reader, takes(context, ...callKeyParameters));
    const { raw, answers, request, answer, ...rest } = detail;
    return context.json({
      ...rest,
      request: withImageReferences(request),
      answer: answer && shownResult(answer),
      hasRaw: raw !== undefined,
      answers: answers.map(({ raw: answerRaw, result, ...received }) => ({
        ...received,
        result: shownResult(result),
        hasRaw: answerRaw !== undefined,
      })),
    });
  });
  api.get("/call/raw", async (context) => {
    const query = takes(context, ...callKeyParameters, "answer");
    const detail = await callOf(reader, query);
    if (query.answer === undefined) return context.json(detail.raw ?? null);
    const answer = detail.answers[wholeNumberOf(query.answer, "answer", 0)];
    if (answer === undefined)
      throw new NotFound(`The call has ${detail.answers.length} answers; no answer ${query.answer}.`);
    return context.json(answer.raw ?? null);
  });
  api.get("/call/image", async (context) => {
    const query = takes(context, ...callKeyParameters, "index");
    const images = imagesOf((await callOf(reader, query)).request);
    const image = images[wholeNumberOf(query.index ?? "", "index", 0)];
    if (image === undefined)
      throw new NotFound(`The call's request holds ${images.length} images; no image ${query.index}.`);
    const { body, headers } = imageResponseOf(image);
    return context.body(new Uint8Array(body), 200, headers);
  });
  api.get("/batches", async (context) => {
    takes(context);
    return context.json(await reader.batches());
  });
  api.get("/failures", async (context) => {
    takes(context);
    return context.json(await reader.failures());
  });
  api.get("/conversations", async (context) => {
    takes(context);
    return context.json(await reader.conversations());
  });
  api.get("/conversation", async (context) => {
    const { agent, name } = takes(context, "agent", "name");
    if (agent === undefined || name === undefined) throw new InputError("Name the conversation by agent= and name=.");
    const tree = await reader.conversation(agent, name);
    if (tree === undefined)
      throw new NotFound(`Agent ${JSON.stringify(agent)} has no conversation ${JSON.stringify(name)}.`);
    return context.json(tree);
  });
  api.get("/agent", async (context) => {
    const { name } = takes(context, "name");
    if (name === undefined || name === "") throw new InputError("Name the agent by name=.");
    const page = await reader.calls({ agent: exactAgentGlob(name), limit: agentAsks });
    return context.json({ agent: name, asks: inAskOrder(page.calls), more: page.next !== undefined });
  });
  return api;
}

/** A request for something the workspace does not hold: answered with 404. */
export class NotFound extends Error {
  override name = "NotFound";
}

// --- internal ---

async function callOf(reader: WorkspaceReader, query: Query): Promise<CallDetail> {
  const detail = await reader.call(callIdOfQuery(query));
  if (detail === undefined) throw new NotFound("The workspace has no such call.");
  return detail;
}

/** By the position of each ask in its agent's run (the latest session that asked it); never asked last. */
function inAskOrder(calls: readonly CallRow[]): CallRow[] {
  const position = (call: CallRow) => call.seq ?? Number.POSITIVE_INFINITY;
  return [...calls].sort((a, b) => position(a) - position(b));
}
