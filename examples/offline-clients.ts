/**
 * For the examples: providers whose API key is set are used for real; the
 * others are served by the offline fake provider server on 127.0.0.1 (still
 * through the official SDKs), so every example runs without a key.
 */
import type { ParallellmOptions } from "../src/index.js";
import { type FakeProviderName, type ScriptRule, startFakeProviderServer } from "../src/testing/index.js";

type Vendor = FakeProviderName;

const keyNames: Record<Vendor, readonly string[]> = {
  openai: ["OPENAI_API_KEY"],
  anthropic: ["ANTHROPIC_API_KEY"],
  google: ["GEMINI_API_KEY", "GOOGLE_API_KEY"],
};

/** The provider a model name routes to (`claude-*`, `gemini-*`, otherwise OpenAI). */
export function providerOf(model: string): Vendor {
  if (model.startsWith("claude-")) return "anthropic";
  if (model.startsWith("gemini-")) return "google";
  return "openai";
}

/** The value after `--name` on the command line. */
export function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}

/**
 * `clients` for `Parallellm.open`: fake-server clients for the providers without
 * a key (answering by `script` where it matches), nothing for the others.
 */
export async function offlineClients(
  providers: readonly Vendor[],
  script: readonly ScriptRule[] = [],
): Promise<{ readonly clients: ParallellmOptions["clients"]; readonly close: () => Promise<void> }> {
  const missing = [...new Set(providers)].filter((provider) => !keyNames[provider].some((name) => process.env[name]));
  if (missing.length === 0) return { clients: undefined, close: async () => {} };
  const server = await startFakeProviderServer();
  for (const rule of script) server.script(rule);
  console.error(`No API key for ${missing.join(", ")}: using the offline fake provider server at ${server.url}.\n`);
  const all = server.clientsFor();
  return {
    clients: Object.fromEntries(missing.map((provider) => [provider, all[provider]])),
    close: () => server.close(),
  };
}
