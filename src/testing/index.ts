export type { BatchBehavior, FakeBatch, FakeBatchItem, FakeBatchState } from "./fake-server/batch-book.js";
export { fakeProviderClients, startFakeProviderServer } from "./fake-server/fake-provider-server.js";
export type {
  ContextMatcher,
  FailureInjection,
  FakeProviderClients,
  FakeProviderName,
  FakeProviderServer,
  FakeProviderServerOptions,
  FaultSettings,
  HostileKind,
  Hostility,
  Latency,
  LoggedRequest,
  OfferedTool,
  OpenAIDialectName,
  RateLimitSettings,
  Reply,
  ReplyContext,
  ReplyFinishReason,
  ScriptedToolCall,
  ScriptRule,
  StreamCut,
} from "./fake-server/fake-server-types.js";
export { createMemoryStore } from "./memory-store.js";
export type { MockAnswer, MockFailure, MockProviderOptions, MockReply, MockRule } from "./mock-provider.js";
export { MockProvider } from "./mock-provider.js";
export { sampleJsonSchema } from "./sample-json-schema.js";
export type { MakeStore, StoreTestApi } from "./test-store.js";
export { testStore } from "./test-store.js";
