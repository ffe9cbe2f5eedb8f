/**
 * The compatibility table of the README: every feature, for every provider, in
 * sync and async, through Parallellm -> the official SDK -> the fake provider
 * server on 127.0.0.1, asserting the request body the provider documents and
 * the parsed result.
 */
import { createOpenAI } from "@ai-sdk/openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { fromAiSdk } from "../src/ai-sdk.js";
import { image, type LLM, Parallellm, ProviderRequestError, toolResult } from "../src/index.js";
import { createMistralProvider } from "../src/providers/mistral/index.js";
import { createAzureOpenAIProvider, createGroqProvider } from "../src/providers/openai/index.js";
import type { Provider } from "../src/providers/provider.js";
import {
  type FakeProviderServer,
  type LoggedRequest,
  type OpenAIDialectName,
  startFakeProviderServer,
} from "../src/testing/index.js";
import { openaiChat, tempWorkspace } from "./helpers.js";

// biome-ignore lint/suspicious/noExplicitAny: request bodies are asserted field by field
type Body = Record<string, any>;

interface Wire {
  readonly name: string;
  readonly llm: LLM;
  readonly provider: "openai" | "anthropic" | "google";
  readonly path: RegExp;
  /** The instructions as the body carries them. */
  readonly system: (body: Body) => unknown;
  /** Turns in the body, as [role, text of the turn]. */
  readonly turns: (body: Body) => [string, string][];
  /** The image part of the last turn. */
  readonly imagePart: (body: Body) => unknown;
  readonly schemaOf: (body: Body) => unknown;
  readonly toolNames: (body: Body) => string[];
  /** The tool result sent back, as [call id or name, output text]. */
  readonly toolResultOf: (body: Body) => [string, string];
  /** The OpenAI-compatible provider's dialect the fake server speaks for it, and the provider made for that server. */
  readonly dialect?: { readonly name: OpenAIDialectName; readonly make: (server: FakeProviderServer) => Provider };
}

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const pngBase64 = Buffer.from(png).toString("base64");

const textOf = (content: unknown): string => {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: Body) => part.text ?? (typeof part.content === "string" ? part.content : ""))
    .filter(Boolean)
    .join("\n");
};

const wires: Wire[] = [
  {
    name: "openai (responses)",
    llm: "gpt-4.1-mini",
    provider: "openai",
    path: /^\/v1\/responses$/,
    system: (body) => body.instructions,
    turns: (body) =>
      body.input.filter((item: Body) => item.role).map((item: Body) => [item.role, textOf(item.content)]),
    imagePart: (body) => body.input.at(-1).content.find((part: Body) => part.type === "input_image"),
    schemaOf: (body) => body.text?.format,
    toolNames: (body) => body.tools.map((tool: Body) => tool.name),
    toolResultOf: (body) => {
      const output = body.input.find((item: Body) => item.type === "function_call_output");
      return [output.call_id, output.output];
    },
  },
  {
    name: "openai (chat)",
    llm: "openai-chat:gpt-4.1-mini",
    provider: "openai",
    path: /^\/v1\/chat\/completions$/,
    system: (body) => body.messages.find((message: Body) => message.role === "system")?.content,
    turns: (body) =>
      body.messages
        .filter((message: Body) => message.role === "user" || message.role === "assistant")
        .map((message: Body) => [message.role, textOf(message.content)]),
    imagePart: (body) => body.messages.at(-1).content.find((part: Body) => part.type === "image_url"),
    schemaOf: (body) => body.response_format,
    toolNames: (body) => body.tools.map((tool: Body) => tool.function.name),
    toolResultOf: (body) => {
      const message = body.messages.find((item: Body) => item.role === "tool");
      return [message.tool_call_id, message.content];
    },
  },
  {
    name: "anthropic",
    llm: "claude-sonnet-4-6",
    provider: "anthropic",
    path: /^\/v1\/messages$/,
    system: (body) => body.system,
    turns: (body) => body.messages.map((message: Body) => [message.role, textOf(message.content)]),
    imagePart: (body) => body.messages.at(-1).content.find((part: Body) => part.type === "image"),
    schemaOf: (body) => body.output_config?.format,
    toolNames: (body) => body.tools.map((tool: Body) => tool.name),
    toolResultOf: (body) => {
      const part = body.messages
        .flatMap((message: Body) => (Array.isArray(message.content) ? message.content : []))
        .find((block: Body) => block.type === "tool_result");
      return [part.tool_use_id, textOf(part.content)];
    },
  },
  {
    name: "google",
    llm: "gemini-2.5-flash",
    provider: "google",
    path: /^\/v1beta\/models\/gemini-2\.5-flash:generateContent$/,
    system: (body) => textOf(body.systemInstruction?.parts),
    turns: (body) =>
      body.contents
        .filter((content: Body) => content.parts.some((part: Body) => typeof part.text === "string"))
        .map((content: Body) => [content.role === "model" ? "assistant" : content.role, textOf(content.parts)]),
    imagePart: (body) => body.contents.at(-1).parts.find((part: Body) => part.inlineData),
    schemaOf: (body) => body.generationConfig?.responseJsonSchema,
    toolNames: (body) => body.tools[0].functionDeclarations.map((declaration: Body) => declaration.name),
    toolResultOf: (body) => {
      const part = body.contents
        .flatMap((content: Body) => content.parts)
        .find((candidate: Body) => candidate.functionResponse);
      return [part.functionResponse.name, JSON.stringify(part.functionResponse.response)];
    },
  },
  {
    // Any AI SDK model, through parallellm/ai-sdk: here @ai-sdk/openai, which speaks the Responses API.
    name: "ai-sdk (@ai-sdk/openai)",
    get llm() {
      return fromAiSdk(createOpenAI({ baseURL: `${server.url}/v1`, apiKey: "fake" })("gpt-4.1-mini"));
    },
    provider: "openai",
    path: /^\/v1\/responses$/,
    system: (body) => body.input.find((item: Body) => item.role === "system" || item.role === "developer")?.content,
    turns: (body) =>
      body.input
        .filter((item: Body) => item.role === "user" || item.role === "assistant")
        .map((item: Body) => [item.role, textOf(item.content)]),
    imagePart: (body) => body.input.at(-1).content.find((part: Body) => part.type === "input_image"),
    schemaOf: (body) => body.text?.format,
    toolNames: (body) => body.tools.map((tool: Body) => tool.name),
    toolResultOf: (body) => {
      const output = body.input.find((item: Body) => item.type === "function_call_output");
      return [output.call_id, output.output];
    },
  },
];

/** Providers that speak Chat Completions on paths and with keys of their own. */
const chatWire = wires.find((wire) => wire.name === "openai (chat)")!;
wires.push(
  {
    ...chatWire,
    name: "groq",
    llm: "groq:llama-3.1-8b-instant",
    path: /^\/openai\/v1\/chat\/completions$/,
    dialect: {
      name: "groq",
      make: (server) => createGroqProvider({ apiKey: "gsk_fake", baseURL: `${server.url}/openai/v1` }),
    },
  },
  {
    ...chatWire,
    name: "azure",
    llm: "azure:gpt-4o-mini-batch",
    path: /^\/openai\/deployments\/gpt-4o-mini-batch\/chat\/completions\?api-version=/,
    dialect: {
      name: "azure",
      make: (server) => createAzureOpenAIProvider({ apiKey: "azure-fake", endpoint: server.url }),
    },
  },
  {
    ...chatWire,
    name: "mistral",
    llm: "mistral:mistral-small-latest",
    dialect: {
      name: "mistral",
      make: (server) => createMistralProvider({ apiKey: "mistral-fake", baseURL: `${server.url}/v1` }),
    },
  },
);

const imageExpectations: Record<string, unknown> = {
  "openai (responses)": { type: "input_image", image_url: `data:image/png;base64,${pngBase64}`, detail: "auto" },
  "openai (chat)": { type: "image_url", image_url: { url: `data:image/png;base64,${pngBase64}` } },
  anthropic: { type: "image", source: { type: "base64", media_type: "image/png", data: pngBase64 } },
  google: { inlineData: { mimeType: "image/png", data: pngBase64 } },
  groq: { type: "image_url", image_url: { url: `data:image/png;base64,${pngBase64}` } },
  azure: { type: "image_url", image_url: { url: `data:image/png;base64,${pngBase64}` } },
  mistral: { type: "image_url", image_url: { url: `data:image/png;base64,${pngBase64}` } },
  "ai-sdk (@ai-sdk/openai)": { type: "input_image", image_url: `data:image/png;base64,${pngBase64}` },
};

const weatherTool = {
  get_weather: { description: "Current weather in a city", parameters: z.object({ city: z.string() }) },
};

let server: FakeProviderServer;
/** One server per dialect, for the wires that have one. */
const dialectServers = new Map<OpenAIDialectName, FakeProviderServer>();

async function startScripted(dialect?: OpenAIDialectName): Promise<FakeProviderServer> {
  const started = await startFakeProviderServer({ openaiDialect: dialect });
  started.script({ match: (context) => context.afterToolResult, reply: "It is 3 degrees in Oslo." });
  started.script({
    match: "What is the weather in Oslo?",
    reply: { toolCalls: [{ name: "get_weather", args: { city: "Oslo" } }] },
  });
  return started;
}

beforeAll(async () => {
  server = await startScripted();
  for (const wire of wires)
    if (wire.dialect) dialectServers.set(wire.dialect.name, await startScripted(wire.dialect.name));
});

afterAll(async () => {
  await server.close();
  for (const dialectServer of dialectServers.values()) await dialectServer.close();
});

function serverOf(wire: Wire): FakeProviderServer {
  return wire.dialect ? dialectServers.get(wire.dialect.name)! : server;
}

/** The options that reach `wire` on its server. */
function reach(wire: Wire) {
  const wireServer = serverOf(wire);
  return wire.dialect
    ? { providers: { [wire.dialect.name]: wire.dialect.make(wireServer) } }
    : { clients: wireServer.clientsFor(), providers: openaiChat(wireServer) };
}

function lastRequest(wire: Wire): LoggedRequest {
  const request = serverOf(wire)
    .requests.filter((logged) => wire.path.test(logged.path))
    .at(-1);
  if (!request) throw new Error(`no request reached ${wire.path}`);
  return request;
}

for (const wire of wires) {
  for (const strategy of ["sync", "async"] as const) {
    describe(`${wire.name}, ${strategy}`, () => {
      const open = () => Parallellm.open(tempWorkspace(), { llm: wire.llm, strategy, ...reach(wire), summary: false });

      it("text, with instructions", async () => {
        const pllm = await open();
        const text = await pllm.agent("a", (agent) =>
          agent.ask("Say hello.", { instructions: "You are terse." }).text(),
        );
        await pllm.close();
        const body = lastRequest(wire).body as Body;
        expect(wire.system(body)).toBe("You are terse.");
        expect(wire.turns(body)).toEqual([["user", "Say hello."]]);
        expect(text).toMatch(/\S/);
      });

      it("multi-turn", async () => {
        const pllm = await open();
        await pllm.agent("a", (agent) =>
          agent
            .ask([
              { role: "user", content: "My name is Ada." },
              { role: "assistant", content: "Hello Ada." },
              "What is my name?",
            ])
            .text(),
        );
        await pllm.close();
        expect(wire.turns(lastRequest(wire).body as Body)).toEqual([
          ["user", "My name is Ada."],
          ["assistant", "Hello Ada."],
          ["user", "What is my name?"],
        ]);
      });

      it("image", async () => {
        const pllm = await open();
        await pllm.agent("a", (agent) => agent.ask(["Describe this image.", image(png, "image/png")]).text());
        await pllm.close();
        expect(wire.imagePart(lastRequest(wire).body as Body)).toEqual(imageExpectations[wire.name]);
      });

      it("object document (sent as JSON text)", async () => {
        const pllm = await open();
        await pllm.agent("a", (agent) => agent.ask([{ invoice: 42, total: "9.50" }, "Summarise."]).text());
        await pllm.close();
        expect(wire.turns(lastRequest(wire).body as Body)).toEqual([
          ["user", '{"invoice":42,"total":"9.50"}\nSummarise.'],
        ]);
      });

      it("structured output from a zod schema", async () => {
        const pllm = await open();
        const Invoice = z.object({ vendor: z.string(), total: z.number(), paid: z.boolean() });
        const value = await pllm.agent("a", (agent) => agent.ask("Extract the invoice.", { schema: Invoice }).value());
        await pllm.close();
        expect(Invoice.parse(value)).toEqual(value);
        expect(JSON.stringify(wire.schemaOf(lastRequest(wire).body as Body))).toContain('"vendor"');
      });

      it("structured output from a JSON schema", async () => {
        const pllm = await open();
        const schema = {
          type: "object",
          properties: { label: { type: "string", enum: ["spam", "ham"] } },
          required: ["label"],
          additionalProperties: false,
        };
        const value = await pllm.agent("a", (agent) =>
          agent.ask("Classify: WIN A PRIZE", { schema, schemaName: "label" }).json(),
        );
        await pllm.close();
        expect(["spam", "ham"]).toContain((value as { label: string }).label);
        expect(JSON.stringify(wire.schemaOf(lastRequest(wire).body as Body))).toContain('"enum":["spam","ham"]');
      });

      it("tool call and tool result round trip", async () => {
        const pllm = await open();
        const answer = await pllm.agent("a", async (agent) => {
          const first = agent.ask("What is the weather in Oslo?", { tools: weatherTool });
          const [call] = await first.toolCalls();
          expect(call).toMatchObject({ name: "get_weather", args: { city: "Oslo" } });
          expect(wire.toolNames(lastRequest(wire).body as Body)).toEqual(["get_weather"]);
          const second = agent.ask(
            ["What is the weather in Oslo?", first, toolResult(call.id, call.name, { temperature: 3 })],
            { tools: weatherTool },
          );
          const text = await second.text();
          const [idOrName, output] = wire.toolResultOf(lastRequest(wire).body as Body);
          expect(idOrName).toBe(wire.provider === "google" ? "get_weather" : call.id);
          expect(output).toContain('"temperature":3');
          return text;
        });
        await pllm.close();
        expect(answer).toBe("It is 3 degrees in Oslo.");
      });

      it("usage", async () => {
        const pllm = await open();
        const usage = await pllm.agent("a", (agent) => agent.ask("Count my tokens, please.").usage());
        await pllm.close();
        expect(usage?.inputTokens).toBeGreaterThan(0);
        expect(usage?.outputTokens).toBeGreaterThan(0);
      });
    });
  }
}

describe("mixed providers", () => {
  it("routes each ask to its provider's endpoint and replays all with 0 sends", async () => {
    const directory = tempWorkspace();
    const run = async () => {
      server.resetLog();
      const pllm = await Parallellm.open(directory, { clients: server.clientsFor(), summary: false });
      const texts = await pllm.agent("panel", (agent) =>
        Promise.all(
          ["gpt-4.1-mini", "claude-sonnet-4-6", "gemini-2.5-flash"].map((llm) =>
            agent.ask("Name a prime number.", { llm }).text(),
          ),
        ),
      );
      await pllm.close();
      return texts;
    };
    const first = await run();
    expect(server.requests.map((request) => [request.provider, request.path]).sort()).toEqual([
      ["anthropic", "/v1/messages"],
      ["google", "/v1beta/models/gemini-2.5-flash:generateContent"],
      ["openai", "/v1/responses"],
    ]);
    expect(new Set(first).size).toBe(3);
    expect(await run()).toEqual(first);
    expect(server.requests).toHaveLength(0);
  });
});

describe("provider errors", () => {
  for (const wire of wires) {
    it(`${wire.name}: surface the provider's status, message and request id`, async () => {
      serverOf(wire).failNext({ status: 400, provider: wire.provider, message: "Unsupported parameter: 'colour'." });
      const pllm = await Parallellm.open(tempWorkspace(), { llm: wire.llm, ...reach(wire), summary: false });
      const error = await pllm.agent("judge", (agent) => agent.ask("Judge this.").text()).catch((caught) => caught);
      await pllm.close();
      expect(error).toBeInstanceOf(ProviderRequestError);
      // The error names the provider as the run registered it.
      const registered =
        typeof wire.llm === "object"
          ? wire.llm.provider
          : String(wire.llm).includes(":")
            ? String(wire.llm).split(":")[0]
            : wire.provider;
      expect(error).toMatchObject({ statusCode: 400, provider: registered, agent: "judge" });
      expect(error.providerMessage).toContain("Unsupported parameter: 'colour'.");
      expect(error.message).toContain("Unsupported parameter: 'colour'.");
      // Gemini sends no request id; Mistral's header is not verified, so the fake server sends none.
      if (wire.provider !== "google" && wire.name !== "mistral") expect(error.requestId).toMatch(/\S/);
    });
  }

  it("names the missing key's environment variable, and only when a call is sent", async () => {
    const saved = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      const pllm = await Parallellm.open(tempWorkspace(), { llm: "claude-sonnet-4-6", summary: false });
      const error = await pllm.agent("a", (agent) => agent.ask("hi").text()).catch((caught) => caught);
      await pllm.close();
      expect(error.name).toBe("AuthenticationError");
      expect(error.message).toContain("ANTHROPIC_API_KEY");
    } finally {
      if (saved !== undefined) process.env.ANTHROPIC_API_KEY = saved;
    }
  });
});
