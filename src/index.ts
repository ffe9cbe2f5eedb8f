export type { CancelBatchesOptions, CancelBatchesReport, CancelledBatch } from "./batch/cancel-batches.js";
export type { Agent } from "./core/agent.js";
export type { RunStats } from "./core/call-engine.js";
export type { AskOptions, CallDefaults, HashPart, LLMChoice } from "./core/call-options.js";
export type { Conversation, ConversationOptions, ConversationState } from "./core/conversation.js";
export type { EmbedOptions } from "./core/embed-options.js";
export {
  AuthenticationError,
  BatchFailedError,
  DriftError,
  FailedCallsError,
  FallbacksFailedError,
  InputError,
  InvalidOutputError,
  NotAvailable,
  ParallellmError,
  ProviderError,
  ProviderRequestError,
  StoreError,
  StreamRestarted,
  TransientProviderError,
} from "./core/errors.js";
export type {
  ContentPart,
  EmbeddingOptions,
  FinishReason,
  JsonSchema,
  LLM,
  LLMIdentity,
  LLMRequest,
  LLMResult,
  Message,
  ProviderName,
  ToolCall,
  ToolChoice,
  ToolDefinition,
  Usage,
} from "./core/llm.js";
export type { LogFields, Logger, LogLevel } from "./core/log.js";
export type { PartialValue, ResponseHandle, ResponseStatus } from "./core/response-handle.js";
export type { RunToolsOptions, ToolHandler, ToolHandlers, ToolRun, ToolStep } from "./core/run-tools.js";
export type { InferOutput, SchemaInput, StandardSchema, ToolSpec, ToolsInput } from "./core/schema.js";
export type { CostLine, CostReport, SessionCost } from "./dashboard/cost-report.js";
export type { ModelProgress } from "./dashboard/dashboard.js";
export type { StoredProgress } from "./dashboard/progress.js";
export type { RunSummary } from "./dashboard/run-summary.js";
export type { Document, ToolResultDocument } from "./documents/document.js";
export { file, image, toolResult } from "./documents/document.js";
export type { ExportFormat, ExportOptions, ExportResult, ExportRow } from "./export/export-row.js";
export { Parallellm } from "./parallellm.js";
export type { BatchSettings, ForEachOptions, ParallellmOptions, RunOptions } from "./parallellm-options.js";
export type { GoogleClient } from "./providers/google/google-client.js";
export type {
  BatchApi,
  BatchItem,
  BatchItemResult,
  BatchResultChunk,
  BatchResultLine,
  BatchState,
  BatchStatus,
  BatchSubmission,
  EmbeddingApi,
  EmbeddingRequest,
  EmbeddingResponse,
  GeneratedResult,
  Provider,
  StreamOptions,
} from "./providers/provider.js";
export type { InspectOptions } from "./run/inspect-workspace.js";
export type {
  AgentAnswers,
  AnsweredCall,
  BatchCall,
  BatchIntent,
  BatchRecord,
  CallKey,
  ConversationHeadRecord,
  ConversationNodeRecord,
  FailedCall,
  FailureRecord,
  ResponseRecord,
  SessionInfo,
  Store,
  StoredAnswer,
  StoredBatchState,
  StoredConversation,
  UsageRow,
} from "./store/store.js";
export type {
  AttemptFailure,
  BatchRow,
  CallDetail,
  CallFilter,
  CallPage,
  CallPageOptions,
  CallRow,
  CallStatus,
  ConversationNode,
  ConversationRow,
  ConversationTree,
  FailedCallRow,
  ModelCalls,
  OverviewOptions,
  ReceivedAnswer,
  SessionRow,
  SpendFigures,
  WorkspaceOverview,
  WorkspaceReader,
} from "./store/workspace-reader.js";
export type { RateLimit, RateLimits } from "./strategies/rate-limits.js";
export type { RetryPolicy } from "./strategies/retry-policy.js";
export type { TelemetryOptions } from "./telemetry/telemetry-options.js";
