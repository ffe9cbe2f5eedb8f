/**
 * raw-codec: which node:zlib codec keeps raw provider responses. Realistic
 * bodies (each provider's direct answer from the fake server, through the
 * official SDKs, with a paragraph of text) are compressed one by one with
 * brotli at low qualities and deflate (raw) / gzip at levels 1–6, and with
 * the settings the store uses: bytes per body, and microseconds to compress
 * and to decompress one. Every codec writes 1 KB output chunks (the default
 * 16 KB chunk stays pinned by the result and turns the timing into GC).
 */
import {
  brotliCompressSync,
  brotliDecompressSync,
  constants,
  deflateRawSync,
  gunzipSync,
  gzipSync,
  inflateRawSync,
} from "node:zlib";
import { fakeProviderClients, startFakeProviderServer } from "parallellm/testing";
import { compressRaw, decompressRaw } from "../src/store/raw-response-codec.js";
import type { Figure } from "./bench-util.js";

const bodiesPerApi = 200;

const answerOf = (index: number) =>
  `Ticket ${index}: the customer reports that the order arrived late and the box was damaged. ` +
  "Label: shipping-damage. Suggested reply: apologise, offer a replacement or a refund, and ask for a photo " +
  "of the damaged packaging so the carrier claim can be filed within 14 days.";

interface Codec {
  readonly name: string;
  readonly compress: (bytes: Buffer) => Buffer;
  readonly decompress: (bytes: Buffer) => Buffer;
}

const chunkSize = 1024;

const codecs: readonly Codec[] = [
  {
    name: "deflate-raw l1, 4 KB window (as stored)",
    compress: (bytes: Buffer) => compressRaw(bytes.toString("utf8")),
    decompress: (bytes: Buffer) => Buffer.from(decompressRaw(bytes)),
  },
  ...[0, 1, 2, 4].map((quality) => ({
    name: `brotli q${quality}`,
    compress: (bytes: Buffer) =>
      brotliCompressSync(bytes, {
        chunkSize,
        params: {
          [constants.BROTLI_PARAM_QUALITY]: quality,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        },
      }),
    decompress: (bytes: Buffer) => brotliDecompressSync(bytes),
  })),
  ...[1, 3, 6].map((level) => ({
    name: `deflate-raw l${level}`,
    compress: (bytes: Buffer) => deflateRawSync(bytes, { level, chunkSize }),
    decompress: (bytes: Buffer) => inflateRawSync(bytes),
  })),
  ...[1, 6].map((level) => ({
    name: `gzip l${level}`,
    compress: (bytes: Buffer) => gzipSync(bytes, { level, chunkSize }),
    decompress: (bytes: Buffer) => gunzipSync(bytes),
  })),
];

/** The JSON of each provider's direct answers, as the adapters receive them. */
async function realisticBodies(): Promise<Buffer[]> {
  const server = await startFakeProviderServer();
  let index = 0;
  server.script({ reply: () => answerOf(index++) });
  try {
    const clients = fakeProviderClients(server.url);
    const bodies: unknown[] = [];
    for (let call = 0; call < bodiesPerApi; call++) {
      const prompt = `Classify support ticket ${call}: "My order arrived late and damaged." Reply with a label and a reply.`;
      bodies.push(await clients.openai.responses.create({ model: "gpt-4.1-mini", input: prompt }));
      bodies.push(
        await clients.openai.chat.completions.create({
          model: "gpt-4.1-mini",
          messages: [{ role: "user", content: prompt }],
        }),
      );
      bodies.push(
        await clients.anthropic.messages.create({
          model: "claude-sonnet-4-6",
          max_tokens: 1024,
          messages: [{ role: "user", content: prompt }],
        }),
      );
      bodies.push(
        await clients.google.models.generateContent({ model: "gemini-2.5-flash", contents: prompt } as never),
      );
    }
    return bodies.map((body) => Buffer.from(JSON.stringify(body)));
  } finally {
    await server.close();
  }
}

function microsecondsEach(bodies: readonly Buffer[], work: (body: Buffer) => unknown): number {
  for (const body of bodies) work(body); // warm
  const started = performance.now();
  for (let round = 0; round < 5; round++) for (const body of bodies) work(body);
  return ((performance.now() - started) * 1000) / (bodies.length * 5);
}

export async function rawCodecBenchmark(): Promise<Figure[]> {
  const bodies = await realisticBodies();
  const plainBytes = bodies.reduce((sum, body) => sum + body.length, 0) / bodies.length;
  const figures: Figure[] = [
    { benchmark: "raw-codec", metric: "JSON body, uncompressed", value: plainBytes, unit: "B" },
  ];
  for (const codec of codecs) {
    const compressed = bodies.map(codec.compress);
    const bytes = compressed.reduce((sum, body) => sum + body.length, 0) / compressed.length;
    figures.push(
      { benchmark: "raw-codec", metric: `${codec.name}: bytes per body`, value: bytes, unit: "B" },
      {
        benchmark: "raw-codec",
        metric: `${codec.name}: compress`,
        value: microsecondsEach(bodies, codec.compress),
        unit: "µs",
      },
      {
        benchmark: "raw-codec",
        metric: `${codec.name}: decompress`,
        value: microsecondsEach(compressed, codec.decompress),
        unit: "µs",
      },
    );
  }
  return figures;
}
