/**
 * A fake OpenAI / Anthropic / Gemini server on 127.0.0.1 for offline tests
 * with the official SDKs. This file runs the server and each request through
 * log, latency, access, routing and faults; the wire formats live in the route
 * modules (`*-routes.ts`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import {
  checkFailureInjection,
  checkFakeServerOptions,
  checkFaultSettings,
  checkScriptRule,
} from "../check-testing-options.js";
import { anthropicRoutes } from "./anthropic-routes.js";
import { type BatchBehavior, BatchBook, type FakeBatch } from "./batch-book.js";
import { composeAnswer } from "./compose-answer.js";
import type {
  FailureInjection,
  FakeProviderClients,
  FakeProviderName,
  FakeProviderServer,
  FakeProviderServerOptions,
  FaultSettings,
  Hostility,
  Latency,
  LoggedRequest,
  ReplyContext,
  ScriptRule,
  StreamCut,
} from "./fake-server-types.js";
import { FaultPlan } from "./fault-plan.js";
import { geminiRoutes } from "./gemini-routes.js";
import { HostilityPlan } from "./hostility.js";
import { findRoute, parseJsonBody, readBody, sleep, writeWireResponse } from "./http-helpers.js";
import { objectOf, stringOf } from "./json-shape.js";
import { type OpenAIDialect, openaiDialects } from "./openai-dialects.js";
import { openaiRoutes, openaiRoutesFor } from "./openai-routes.js";
import { type Exchange, noFacts, type ProviderRoutes, type Route, type WireResponse } from "./provider-routes.js";
import { redactHeaders, redactPath } from "./request-headers.js";
import { RequestRateLimit } from "./request-rate-limit.js";
import { ScriptBook } from "./script-book.js";
import { writeEventStream } from "./write-event-stream.js";

/**
 * Starts a fake provider server on a free port of 127.0.0.1.
 *
 * @example
 * const server = await startFakeProviderServer({ autoToolCalls: true });
 * const { openai } = server.clientsFor();
 * const response = await openai.responses.create({ model: "gpt-4.1-mini", input: "Hi" });
 * await server.close();
 */
export async function startFakeProviderServer(options: FakeProviderServerOptions = {}): Promise<FakeProviderServer> {
  checkFakeServerOptions(options);
  const server = new FakeProviderHttpServer(options);
  await server.listen();
  return server;
}

/**
 * Official SDK clients pointed at a fake provider server at `url` (for a server
 * in another process, e.g. `pllm fake-server`), with the SDKs' retries off.
 */
export function fakeProviderClients(
  url: string,
  keys: FakeProviderServerOptions["apiKeys"] = {},
  openaiDialect: FakeProviderServerOptions["openaiDialect"] = "openai",
): FakeProviderClients {
  return {
    openai: _dialect(openaiDialect).client(url, keys.openai ?? "sk-fake"),
    anthropic: new Anthropic({ apiKey: keys.anthropic ?? "sk-ant-fake", baseURL: url, maxRetries: 0 }),
    google: new GoogleGenAI({ apiKey: keys.google ?? "fake", httpOptions: { baseUrl: url, apiVersion: "v1beta" } }),
  };
}

// --- internal ---

function _dialect(name: string): OpenAIDialect {
  const dialect = Object.hasOwn(openaiDialects, name) ? openaiDialects[name as keyof typeof openaiDialects] : undefined;
  if (!dialect) {
    throw new TypeError(
      `Unknown openaiDialect "${name}". Use one of ${Object.keys(openaiDialects).join(", ")}, or leave it out for OpenAI's own.`,
    );
  }
  return dialect;
}

type MutableLoggedRequest = { -readonly [key in keyof LoggedRequest]: LoggedRequest[key] };

type Decision = WireResponse | "drop";

class FakeProviderHttpServer implements FakeProviderServer {
  readonly #http: Server;
  readonly #options: FakeProviderServerOptions;
  readonly #scripts = new ScriptBook();
  readonly #batches = new BatchBook();
  readonly #faults: FaultPlan;
  readonly #hostility = new HostilityPlan();
  readonly #rateLimit: RequestRateLimit | undefined;
  /** Tried in order: OpenAI comes last because it recognises everything. */
  readonly #modules: readonly ProviderRoutes[];
  #latency: Latency;
  #log: MutableLoggedRequest[] = [];
  #counts: Record<FakeProviderName, number> = _zeroCounts();
  #inFlight = 0;
  #maxInFlight = 0;
  #port = 0;

  constructor(options: FakeProviderServerOptions) {
    this.#options = options;
    this.#latency = options.latencyMs ?? 0;
    this.#faults = new FaultPlan(options.random ?? Math.random);
    this.#rateLimit = options.rateLimit && new RequestRateLimit(options.rateLimit);
    this.#modules = [geminiRoutes, anthropicRoutes, openaiRoutesFor(_dialect(options.openaiDialect ?? "openai"))];
    this.#http = createServer((request, response) => void this.#handle(request, response));
    // As the real APIs, keep an idle connection open well past a pause between runs: with
    // Node's 5 s, a client reusing a socket the server was closing met "fetch failed".
    this.#http.keepAliveTimeout = 120_000;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }
  get port(): number {
    return this.#port;
  }
  get requests(): readonly LoggedRequest[] {
    return this.#log;
  }
  get inFlight(): number {
    return this.#inFlight;
  }
  get maxInFlight(): number {
    return this.#maxInFlight;
  }
  get counts(): Readonly<Record<FakeProviderName, number>> {
    return { ...this.#counts };
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#http.once("error", reject);
      this.#http.listen(this.#options.port ?? 0, "127.0.0.1", () => {
        this.#port = (this.#http.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  clientsFor(): FakeProviderClients {
    return fakeProviderClients(this.url, this.#options.apiKeys, this.#options.openaiDialect);
  }

  script(rule: ScriptRule): void {
    checkScriptRule(rule);
    this.#scripts.add(rule);
  }
  failNext(failure: FailureInjection): void {
    checkFailureInjection(failure);
    this.#faults.failNext(failure);
  }
  cutStream(cut: StreamCut): void {
    this.#faults.cutStream(cut);
  }
  setFaults(faults: FaultSettings | undefined): void {
    if (faults !== undefined) checkFaultSettings(faults);
    this.#faults.setFaults(faults);
  }
  setLatency(latency: Latency): void {
    this.#latency = latency;
  }
  setHostility(hostility: Hostility | readonly Hostility[] | undefined): void {
    this.#hostility.set(hostility);
  }

  setBatchBehavior(behavior: BatchBehavior): void {
    this.#batches.behavior = behavior;
  }

  batchesOf(provider: FakeProviderName): readonly FakeBatch[] {
    return this.#batches.list(provider);
  }

  resetLog(): void {
    this.#log = [];
    this.#counts = _zeroCounts();
    this.#maxInFlight = this.#inFlight;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#http.close((error) => (error ? reject(error) : resolve()));
      this.#http.closeAllConnections();
    });
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const arrived = performance.now();
    this.#inFlight += 1;
    this.#maxInFlight = Math.max(this.#maxInFlight, this.#inFlight);
    try {
      const rawBody = await readBody(request);
      const url = new URL(request.url ?? "/", this.url);
      const method = request.method ?? "GET";
      const module = this.#modules.find((candidate) => candidate.recognizes(url, request.headers))!;
      const parsed = parseJsonBody(rawBody, request.headers["content-type"]);
      const routePath = module.routePath ? module.routePath(url) : url.pathname;
      const found = routePath === undefined ? undefined : findRoute(module.routes, method, routePath);
      const exchange: Exchange = {
        method,
        url,
        path: url.pathname,
        params: found?.params ?? {},
        headers: request.headers,
        body: parsed.ok ? parsed.value : undefined,
        rawBody,
        origin: this.url,
        answer: (context) => composeAnswer(context, this.#scripts.take(context), this.#options.autoToolCalls ?? false),
        batches: this.#batches,
      };
      const facts = found?.route.describe?.(exchange) ?? { ...noFacts, model: stringOf(objectOf(exchange.body).model) };
      // The path as the routes know it, so scripts, faults and hostility read one dialect.
      const context: ReplyContext = {
        provider: module.provider,
        path: routePath ?? url.pathname,
        body: exchange.body,
        ...facts,
      };
      const time = Date.now();
      // Made (headers and path redacted) only when the log is kept.
      const entry: MutableLoggedRequest | undefined =
        this.#options.logRequests === false
          ? undefined
          : {
              provider: module.provider,
              path: redactPath(url),
              method,
              model: context.model,
              headers: redactHeaders(request.headers),
              body: exchange.body,
              time,
              status: undefined,
              dropped: false,
            };
      if (entry) this.#log.push(entry);
      this.#counts[module.provider] += 1;
      const latency = typeof this.#latency === "function" ? this.#latency(context) : this.#latency;
      // Counted from arrival: under load, reading and parsing would otherwise add to every answer's latency.
      await sleep(latency - (performance.now() - arrived));
      const decision = await this.#decide(module, found?.route, exchange, context, parsed.ok, time);
      if (decision === "drop") {
        if (entry) entry.dropped = true;
        request.socket.destroy();
        return;
      }
      if (entry) entry.status = decision.status;
      if (decision.events) {
        await writeEventStream(
          response,
          { ...decision, events: decision.events },
          this.#faults.decideCut(context, decision.events.length),
        );
        return;
      }
      writeWireResponse(response, this.#hostility.spoil(method, context, decision));
    } catch (error) {
      // Reached only when reading the request fails, before a provider is known.
      writeWireResponse(
        response,
        openaiRoutes.error({ status: 500, message: `Fake provider server failed: ${String(error)}` }),
      );
    } finally {
      this.#inFlight -= 1;
    }
  }

  async #decide(
    module: ProviderRoutes,
    route: Route | undefined,
    exchange: Exchange,
    context: ReplyContext,
    bodyIsJson: boolean,
    arrivedAt: number,
  ): Promise<Decision> {
    const denied = module.checkAccess(exchange.url, exchange.headers, this.#options.apiKeys?.[module.provider]);
    if (denied) return module.error(denied);
    if (!route) return module.error(module.notFound(exchange.method, exchange.path));
    if (!bodyIsJson) return module.error(module.malformedJson);
    const limited = this.#rateLimit?.admit(module.provider, arrivedAt);
    if (limited) return module.error(limited);
    const fault = this.#faults.decide(context);
    if (fault?.kind === "drop") return "drop";
    if (fault?.kind === "fail") return module.error(fault.failure);
    try {
      return await route.handle(exchange, context);
    } catch (error) {
      return module.error({ status: 500, message: `Fake provider server failed: ${String(error)}` });
    }
  }
}

function _zeroCounts(): Record<FakeProviderName, number> {
  return { openai: 0, anthropic: 0, google: 0 };
}
