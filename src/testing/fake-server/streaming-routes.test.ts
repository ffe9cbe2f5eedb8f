/**
 * Streamed answers on the wire: each provider's server-sent event format, read
 * raw and through the official SDKs' own stream helpers, the rules the real
 * APIs enforce about streaming, and `cutStream`.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf } from "../../../test/rejection.js";
import { startFakeProviderServer } from "./fake-provider-server.js";
import type { FakeProviderServer } from "./fake-server-types.js";

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());
beforeEach(() => server.resetLog());

const text = "A short answer, streamed in pieces.";

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer test", ...headers },
    body: JSON.stringify(body),
  });
}

/** The `event:` names and parsed `data:` of a server-sent event stream. */
function parseEvents(body: string): { event: string | undefined; data: string }[] {
  return body
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((line) => line.startsWith("event: "))?.slice("event: ".length);
      const data = lines.find((line) => line.startsWith("data: "))?.slice("data: ".length) ?? "";
      return { event, data };
    });
}

describe("streamed answers on the wire", () => {
  it("OpenAI Responses: text deltas between response.created and response.completed, which carries the Response", async () => {
    server.script({ provider: "openai", match: "Answer", reply: text });
    const response = await post("/v1/responses", { model: "gpt-4.1-mini", input: "Answer.", stream: true });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = parseEvents(await response.text());
    expect(events[0]?.event).toBe("response.created");
    expect(events.at(-1)?.event).toBe("response.completed");
    const deltas = events.filter((event) => event.event === "response.output_text.delta");
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.map((event) => JSON.parse(event.data).delta).join("")).toBe(text);
    for (const event of events) expect(JSON.parse(event.data).type).toBe(event.event);
    const completed = JSON.parse(events.at(-1)!.data).response;
    expect(completed.output[0].content[0].text).toBe(text);
  });

  it("OpenAI Chat Completions: chunks, a usage chunk with include_usage, then [DONE]; stream_options alone is refused", async () => {
    server.script({ provider: "openai", match: "Answer", reply: text });
    const messages = [{ role: "user", content: "Answer." }];
    const body = { model: "gpt-4.1-mini", messages, stream: true, stream_options: { include_usage: true } };
    const events = parseEvents(await (await post("/v1/chat/completions", body)).text());
    expect(events.at(-1)?.data).toBe("[DONE]");
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.data));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe(text);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: expect.any(Number) } });
    expect(chunks.at(-2).choices[0].finish_reason).toBe("stop");

    const openai = server.clientsFor().openai;
    const refused = await rejectionOf(
      openai.chat.completions.create({
        model: "gpt-4.1-mini",
        messages: [{ role: "user", content: "Answer." }],
        stream_options: { include_usage: true },
      }),
      OpenAI.APIError,
    );
    expect(refused.status).toBe(400);
    expect(refused.message).toMatch(/'stream_options' parameter is only allowed when 'stream' is enabled/);
  });

  it("OpenAI embeddings do not stream: stream is an argument the endpoint refuses", async () => {
    const response = await post("/v1/embeddings", { model: "text-embedding-3-small", input: "a text", stream: true });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { message: "Unrecognized request argument supplied: stream", type: "invalid_request_error" },
    });
  });

  it("OpenAI: the SDK's own stream helper reads the events to the final Response", async () => {
    server.script({ provider: "openai", match: "Answer", reply: text });
    const stream = server.clientsFor().openai.responses.stream({ model: "gpt-4.1-mini", input: "Answer." });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe(text);
  });

  it("Anthropic: the SDK's MessageStream puts the events together into the Message; a batch refuses stream", async () => {
    server.script({ provider: "anthropic", match: "Answer", reply: text });
    const anthropic = server.clientsFor().anthropic;
    const stream = anthropic.messages.stream({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      messages: [{ role: "user", content: "Answer." }],
    });
    const deltas: string[] = [];
    stream.on("text", (delta) => deltas.push(delta));
    const message = await stream.finalMessage();
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.join("")).toBe(text);
    expect(message).toMatchObject({ content: [{ type: "text", text }], stop_reason: "end_turn" });
    expect(message.usage.output_tokens).toBeGreaterThan(1);

    const batch = await rejectionOf(
      anthropic.messages.batches.create({
        requests: [
          {
            custom_id: "a",
            params: {
              model: "claude-sonnet-4-5",
              max_tokens: 100,
              messages: [{ role: "user", content: "Answer." }],
              stream: true,
            } as never,
          },
        ],
      }),
      Error,
    );
    expect(batch.message).toMatch(/requests\.0\.params\.stream: Streaming is not supported in batches/);
  });

  it("Gemini: streamGenerateContent with alt=sse sends data-only events; without it, a JSON array of the chunks", async () => {
    server.script({ provider: "google", match: "Answer", reply: text });
    const path = "/v1beta/models/gemini-2.5-flash:streamGenerateContent";
    const body = { contents: [{ role: "user", parts: [{ text: "Answer." }] }] };
    const headers = { "x-goog-api-key": "test" };
    const events = parseEvents(await (await post(`${path}?alt=sse`, body, headers)).text());
    expect(events.every((event) => event.event === undefined)).toBe(true);
    const chunks = events.map((event) => JSON.parse(event.data));
    expect(chunks.map((chunk) => chunk.candidates[0].content.parts[0]?.text ?? "").join("")).toBe(text);
    expect(chunks.at(-1).candidates[0].finishReason).toBe("STOP");
    const array = await (await post(path, body, headers)).json();
    expect(Array.isArray(array)).toBe(true);
    expect(array).toHaveLength(chunks.length);
  });

  it("never splits a character between two deltas", async () => {
    const emoji = "Colours: 🟥🟧🟨🟩🟦🟪 and 🌈🌈🌈.";
    server.script({ provider: "openai", match: "Paint", reply: emoji });
    const events = parseEvents(
      await (await post("/v1/responses", { model: "gpt-4.1-mini", input: "Paint.", stream: true })).text(),
    );
    const deltas = events
      .filter((event) => event.event === "response.output_text.delta")
      .map((event) => JSON.parse(event.data).delta as string);
    expect(deltas.join("")).toBe(emoji);
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    for (const delta of deltas) expect(delta).not.toMatch(loneSurrogate);
  });

  it("cutStream destroys the connection after the given number of events, once", async () => {
    server.script({ provider: "openai", match: "Answer", reply: text });
    server.cutStream({ provider: "openai", afterEvents: 3 });
    const cut = await post("/v1/responses", { model: "gpt-4.1-mini", input: "Answer.", stream: true });
    await expect(cut.text()).rejects.toThrow();
    const whole = await post("/v1/responses", { model: "gpt-4.1-mini", input: "Answer.", stream: true });
    expect(parseEvents(await whole.text()).at(-1)?.event).toBe("response.completed");
    expect(() => server.cutStream({ afterEvents: -1 })).toThrow(/afterEvents/);
  });
});
