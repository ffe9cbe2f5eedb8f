/**
 * Headless Chromium for the viewer's end-to-end tests: Debian's `chromium`
 * (`apt-get install chromium`; `.ci/run` installs it) driven by playwright-core.
 * Without it the browser tests skip with one line, except under `CI=true`, where
 * they fail: CI must run them.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { describe } from "vitest";

/** Where Chromium is (`PLLM_CHROMIUM` overrides Debian's path). */
export const chromiumPath = process.env.PLLM_CHROMIUM ?? "/usr/bin/chromium";
const available = existsSync(chromiumPath);
const ci = process.env.CI === "true";

if (!available && !ci) {
  console.warn(`Browser tests skipped: no Chromium at ${chromiumPath} (apt-get install chromium installs it).`);
}

/** `describe` for tests that need Chromium: skipped without it, failing under CI=true. */
export const describeBrowser: typeof describe = ((name: string, body: () => void) =>
  available || ci
    ? describe(name, () => {
        if (!available) throw new Error(`CI=true but there is no Chromium at ${chromiumPath}: .ci/run installs it.`);
        body();
      })
    : describe.skip(name, body)) as typeof describe;

/**
 * Starts headless Chromium with a fresh profile (Playwright makes a new user-data-dir
 * per launch) and nothing that reaches the network on its own: this machine's network is closed.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
