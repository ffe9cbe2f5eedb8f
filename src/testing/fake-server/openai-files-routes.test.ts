import OpenAI, { toFile } from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf } from "../../../test/rejection.js";
import { startFakeProviderServer } from "./fake-provider-server.js";
import type { FakeProviderServer } from "./fake-server-types.js";

let server: FakeProviderServer;
let openai: OpenAI;

beforeEach(async () => {
  server = await startFakeProviderServer();
  openai = server.clientsFor().openai;
});
afterEach(() => server.close());

const line = JSON.stringify({
  custom_id: "a",
  method: "POST",
  url: "/v1/responses",
  body: { model: "gpt-4.1-mini", input: "Hi" },
});

async function upload(text: string, filename: string) {
  return openai.files.create({ file: await toFile(Buffer.from(text), filename), purpose: "batch" });
}

const caught = (promise: Promise<unknown>) =>
  rejectionOf<InstanceType<typeof OpenAI.APIError>>(promise, OpenAI.APIError);

describe("OpenAI files", () => {
  it("stores an upload and serves its object and raw content", async () => {
    const text = `${line}\n`;
    const file = await upload(text, "pllm-tag.jsonl");

    expect(file).toMatchObject({ object: "file", bytes: Buffer.byteLength(text), filename: "pllm-tag.jsonl" });
    expect(file.purpose).toBe("batch");
    expect(file.id).toMatch(/^file-/);
    expect(Number.isInteger(file.created_at)).toBe(true);
    expect(file.expires_at).toBe(file.created_at + 30 * 24 * 3600);
    expect(await openai.files.retrieve(file.id)).toEqual(file);
    const content = await openai.files.content(file.id);
    expect(content.headers.get("content-type")).toBe("application/octet-stream");
    expect(await content.text()).toBe(text);
  });

  it("refuses what the API refuses", async () => {
    const notJsonl = await caught(upload(line, "input.txt"));
    expect(notJsonl.status).toBe(400);
    expect(notJsonl.message).toContain("Must be .jsonl");

    const badPurpose = await caught(
      openai.files.create({ file: await toFile(Buffer.from("x"), "a.jsonl"), purpose: "nonsense" as never }),
    );
    expect(badPurpose.status).toBe(400);
    expect(badPurpose.code).toBe("invalid_value");

    expect((await caught(openai.files.retrieve("file-missing"))).status).toBe(404);
    const missing = await caught(openai.files.content("file-missing"));
    expect(missing.status).toBe(404);
    expect(missing.message).toContain("No such File object: file-missing");
  });
});
