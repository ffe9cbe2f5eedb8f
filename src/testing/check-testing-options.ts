/**
 * The options of the testing helpers (MockProvider, the fake provider server),
 * checked like parallellm's own: a misspelt key (`tims: 1`, `latency: 50`)
 * would otherwise be ignored and the test would pass for the wrong reason.
 * Values are checked where they are used.
 */
import { checkOptions, defineOptions, type OptionRule, type OptionRules } from "../core/check-options.js";
import type {
  FailureInjection,
  FakeProviderServerOptions,
  FaultSettings,
  Hostility,
  ScriptRule,
} from "./fake-server/fake-server-types.js";
import type { MockFailure, MockProviderOptions, MockRule } from "./mock-provider.js";

/** `options` of `new MockProvider(options)`. */
export function checkMockProviderOptions(options: MockProviderOptions): void {
  checkOptions(options, _mockProvider);
}

/** A rule of `MockProvider.script()` (or of its `script` option). */
export function checkMockRule(rule: MockRule): void {
  checkOptions(rule, _mockRule);
}

/** A failure of `MockProvider.failNext()`. */
export function checkMockFailure(failure: MockFailure): void {
  checkOptions(failure, _mockFailure);
}

/** `options` of `startFakeProviderServer(options)`. */
export function checkFakeServerOptions(options: FakeProviderServerOptions): void {
  checkOptions(options, _fakeServer);
}

/** A rule of `server.script()`. */
export function checkScriptRule(rule: ScriptRule): void {
  checkOptions(rule, _scriptRule);
}

/** A failure of `server.failNext()`. */
export function checkFailureInjection(failure: FailureInjection): void {
  checkOptions(failure, _failureInjection);
}

/** The settings of `server.setFaults()`. */
export function checkFaultSettings(settings: FaultSettings): void {
  checkOptions(settings, _faultSettings);
}

/** A hostility of `server.setHostility()`. */
export function checkHostility(hostility: Hostility): void {
  checkOptions(hostility, _hostility);
}

// --- internal ---

/** Any value: the helper that uses the option checks it. */
const _any: OptionRule = ["any value", () => true];

/** Rules that only name the keys of `Options`; the table still must list every one of them. */
function _keys<Options>(where: string, keys: { readonly [Key in keyof Options]-?: true }) {
  const rules = Object.fromEntries(Object.keys(keys).map((key) => [key, _any])) as OptionRules<Options>;
  return defineOptions<Options>(where, rules);
}

const _mockProvider = _keys<MockProviderOptions>("MockProvider options", { name: true, latencyMs: true, script: true });
const _mockRule = _keys<MockRule>("a MockProvider script rule", { match: true, model: true, reply: true, times: true });
const _mockFailure = _keys<MockFailure>("MockProvider.failNext()", {
  status: true,
  message: true,
  retryAfterMs: true,
  times: true,
  match: true,
});
const _fakeServer = _keys<FakeProviderServerOptions>("startFakeProviderServer options", {
  port: true,
  latencyMs: true,
  autoToolCalls: true,
  apiKeys: true,
  random: true,
  rateLimit: true,
  logRequests: true,
  openaiDialect: true,
});
const _scriptRule = _keys<ScriptRule>("script() rule", {
  provider: true,
  model: true,
  match: true,
  reply: true,
  times: true,
});
const _failureInjection = _keys<FailureInjection>("failNext()", {
  status: true,
  times: true,
  retryAfterSeconds: true,
  retryAfterMs: true,
  message: true,
  provider: true,
  match: true,
});
const _faultSettings = _keys<FaultSettings>("setFaults()", {
  rate: true,
  statuses: true,
  retryAfterSeconds: true,
  retryAfterMs: true,
  dropConnectionRate: true,
});
const _hostility = _keys<Hostility>("setHostility()", {
  kind: true,
  provider: true,
  match: true,
  times: true,
  bytes: true,
});
