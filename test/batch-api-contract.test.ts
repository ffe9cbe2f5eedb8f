/** The BatchApi contract (batch-api-contract.ts) over the built-in adapters and the OpenAI-compatible Batch APIs. */
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI, { AzureOpenAI } from "openai";
import { createAnthropicProvider } from "../src/providers/anthropic/index.js";
import { createGoogleProvider } from "../src/providers/google/index.js";
import { createMistralProvider } from "../src/providers/mistral/index.js";
import { createAzureOpenAIProvider, createGroqProvider, createOpenAIProvider } from "../src/providers/openai/index.js";
import { testBatchApi } from "./batch-api-contract.js";

/** How OpenAI's Batch API, and those that copy it (Groq, Azure OpenAI), report overload and ends. */
const openaiBatchStates = {
  overloadedStatus: 503,
  unknownId: "batch_missing",
  endStates: { expired: "expired", cancelled: "cancelled", failed: "failed" },
  unfinished: { expired: "expired", cancelled: "cancelled" },
  failedResults: "none",
} as const;

testBatchApi({
  provider: "openai",
  model: "gpt-4.1-mini",
  create: (server) => createOpenAIProvider({ client: server.clientsFor().openai }),
  withRetryingClient: (server) =>
    createOpenAIProvider({ client: new OpenAI({ apiKey: "sk-fake", baseURL: `${server.url}/v1` }) }),
  fromSettings: (server, apiKey) => createOpenAIProvider({ apiKey, baseURL: `${server.url}/v1` }),
  keyVariables: ["OPENAI_API_KEY"],
  ...openaiBatchStates,
});

testBatchApi({
  provider: "anthropic",
  model: "claude-sonnet-4-6",
  create: (server) => createAnthropicProvider({ client: server.clientsFor().anthropic }),
  withRetryingClient: (server) =>
    createAnthropicProvider({ client: new Anthropic({ apiKey: "sk-ant-fake", baseURL: server.url }) }),
  fromSettings: (server, apiKey) => createAnthropicProvider({ apiKey, baseURL: server.url }),
  keyVariables: ["ANTHROPIC_API_KEY"],
  overloadedStatus: 529,
  unknownId: "msgbatch_missing",
  // Message batches only ever "end": expiry and cancellation show per request.
  endStates: { expired: "completed", cancelled: "completed", failed: "completed" },
  unfinished: { expired: "expired", cancelled: "cancelled" },
  failedResults: "every-request-failed",
});

testBatchApi({
  provider: "google",
  model: "gemini-2.5-flash",
  create: (server) => createGoogleProvider({ client: server.clientsFor().google }),
  withRetryingClient: (server) =>
    createGoogleProvider({
      client: new GoogleGenAI({
        apiKey: "fake-key",
        httpOptions: { baseUrl: server.url, apiVersion: "v1beta", retryOptions: { attempts: 3, initialDelay: 0.01 } },
      }),
    }),
  fromSettings: (server, apiKey) => createGoogleProvider({ apiKey, baseURL: server.url }),
  keyVariables: ["GEMINI_API_KEY", "GOOGLE_API_KEY"],
  overloadedStatus: 503,
  unknownId: "batches/missing",
  endStates: { expired: "expired", cancelled: "cancelled", failed: "failed" },
  // An expired Gemini batch carries no results; a cancelled one only what was processed.
  unfinished: { expired: "none", cancelled: "absent" },
  failedResults: "none",
});

testBatchApi({
  provider: "groq",
  wireProvider: "openai",
  serverOptions: { openaiDialect: "groq" },
  model: "llama-3.1-8b-instant",
  create: (server) => createGroqProvider({ client: server.clientsFor().openai }),
  withRetryingClient: (server) =>
    createGroqProvider({ client: new OpenAI({ apiKey: "gsk_fake", baseURL: `${server.url}/openai/v1` }) }),
  fromSettings: (server, apiKey) => createGroqProvider({ apiKey, baseURL: `${server.url}/openai/v1` }),
  keyVariables: ["GROQ_API_KEY"],
  ...openaiBatchStates,
});

testBatchApi({
  provider: "azure",
  wireProvider: "openai",
  serverOptions: { openaiDialect: "azure" },
  model: "gpt-4o-mini-batch",
  create: (server) => createAzureOpenAIProvider({ client: server.clientsFor().openai }),
  withRetryingClient: (server) =>
    createAzureOpenAIProvider({
      client: new AzureOpenAI({ apiKey: "azure-fake", endpoint: server.url, apiVersion: "2024-10-21" }),
    }),
  fromSettings: (server, apiKey) => createAzureOpenAIProvider({ apiKey, endpoint: server.url }),
  keyVariables: ["AZURE_OPENAI_API_KEY"],
  ...openaiBatchStates,
});

testBatchApi({
  provider: "mistral",
  wireProvider: "openai",
  serverOptions: { openaiDialect: "mistral" },
  model: "mistral-small-latest",
  create: (server) => createMistralProvider({ client: server.clientsFor().openai }),
  // Batch jobs go over fetch, never through an SDK client's retries.
  withRetryingClient: (server) => createMistralProvider({ apiKey: "mistral-fake", baseURL: `${server.url}/v1` }),
  fromSettings: (server, apiKey) => createMistralProvider({ apiKey, baseURL: `${server.url}/v1` }),
  keyVariables: ["MISTRAL_API_KEY"],
  overloadedStatus: 503,
  unknownId: "00000000-0000-0000-0000-000000000000",
  endStates: { expired: "expired", cancelled: "cancelled", failed: "failed" },
  unfinished: { expired: "absent", cancelled: "absent" },
  failedResults: "none",
});
