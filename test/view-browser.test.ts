/**
 * `pllm view` end to end in real headless Chromium, over a workspace made by real
 * runs (the official SDKs against the fake provider server, a real SQLite file):
 * the overview and its charts, the calls table filtered through the URL (and the
 * back button), a call with an image and a structured answer, a conversation's
 * fork, stored HTML rendered as text with no script run, and a live update while a
 * pipeline writes into the workspace the page shows.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Parallellm } from "../src/index.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { startViewServer, type ViewServer } from "../src/view/view-server.js";
import { describeBrowser, launchBrowser } from "./browser.js";
import { makeMixedWorkspace } from "./mixed-workspace.js";

/** Polls until it holds: generous, since a page on a busy machine takes its time to refetch. */
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000 });

const hostile = `<script>window.__pwned = "script"</script><img src="x" onerror="window.__pwned = 'img'">`;
const hostileAgent = `<img src="y" onerror="window.__pwned = 'agent'">`;

describeBrowser("pllm view in Chromium", () => {
  let fake: FakeProviderServer;
  let directory: string;
  let reader: Awaited<ReturnType<typeof Parallellm.inspect>>;
  let server: ViewServer;
  let browser: Browser;
  let page: Page;
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    fake = await startFakeProviderServer();
    directory = join(mkdtempSync(join(tmpdir(), "pllm-view-browser-")), "ws");
    cpSync(await makeMixedWorkspace(fake), directory, { recursive: true });
    await Parallellm.run(directory, { clients: fake.clientsFor(), summary: false, llm: "gpt-4.1-mini" }, (pllm) =>
      pllm.agent(hostileAgent, (agent) => agent.ask(hostile).text()),
    );
    reader = await Parallellm.inspect(directory);
    server = await startViewServer({ reader, pollInterval: 100 });
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on("pageerror", (error) => scriptErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await reader?.close();
    await fake?.close();
    if (directory) rmSync(join(directory, ".."), { recursive: true, force: true });
    expect(scriptErrors).toEqual([]);
  });

  const open = (path: string) => page.goto(new URL(path, server.url).toString());

  it("shows the overview of a real run: calls by status, tokens by model as a chart, sessions, batches, failures", async () => {
    await open("/");
    await eventually(() => page.locator("h2").first().textContent()).toBe("Calls 15");
    const cards = await page.locator(".card").allTextContents();
    // The last run collected the mixed workspace's batch, finished at the fake provider by then.
    expect(cards).toEqual(["14answered", "0pending", "1failed", "0unanswered"]);
    const chart = page.locator("#spend svg.bar-chart");
    expect(await chart.locator(".bar-label").allTextContents()).toEqual(
      expect.arrayContaining(["gpt-4.1-mini", "claude-sonnet-4-6", "gemini-2.5-flash"]),
    );
    const widths = await chart
      .locator("rect.bar-input")
      .evaluateAll((bars) => bars.map((bar) => (bar as unknown as { getBBox(): { width: number } }).getBBox().width));
    expect(widths).toHaveLength(3);
    expect(widths.every((width) => width > 0)).toBe(true);
    expect(await page.locator("#sessions svg.bar-chart .bar-row").count()).toBe(7);
    expect(await page.locator("#batches tbody tr").allTextContents()).toEqual([expect.stringContaining("2 / 2")]);
    expect(await page.locator("#failures").textContent()).toContain("No jokes today.");
  });

  it("filters the calls table through the URL, and the back button returns to the table before", async () => {
    await open("/calls");
    await eventually(() => page.locator("table.calls tbody tr").count()).toBe(15);
    await page.fill("input[name=agent]", "judge-*");
    await page.selectOption("select[name=status]", "failed");
    await page.click("form.filters button");
    await eventually(() => new URL(page.url()).search).toBe("?agent=judge-*&status=failed");
    await eventually(() => page.locator("table.calls tbody tr").count()).toBe(1);
    expect(await page.locator("table.calls tbody tr").textContent()).toContain("judge-2");
    await page.goBack();
    await eventually(() => page.locator("table.calls tbody tr").count()).toBe(15);
    expect(await page.inputValue("input[name=agent]")).toBe("");
    await page.goForward();
    await eventually(() => page.locator("table.calls tbody tr").count()).toBe(1);
    expect(await page.inputValue("input[name=agent]")).toBe("judge-*");
  });

  it("opens a call with an image document and a structured answer", async () => {
    await open("/calls?search=Who+is+in+the+picture");
    await page.locator("table.calls tbody tr a[href^='/call?']").first().click();
    await eventually(() => new URL(page.url()).pathname).toBe("/call");
    const image = page.locator("figure.image img");
    await expect
      .poll(() => image.evaluate((element) => (element as unknown as { naturalWidth: number }).naturalWidth))
      .toBe(1);
    const answer = await page.locator("section", { hasText: "Answer" }).locator("pre.json").first().textContent();
    expect(JSON.parse(answer!)).toEqual({ name: "Ingrid", confidence: 0.9 });
    expect(answer).toContain('\n  "name": "Ingrid"');
    expect(await page.locator("section", { hasText: "Request" }).textContent()).toContain("Schema");
  });

  it("follows a conversation's fork to the call of each branch", async () => {
    await open("/conversations");
    await page.click("text=trip");
    await eventually(() => page.locator(".fork-mark").textContent()).toBe("fork: 2 branches");
    expect(await page.locator(".fork-branch .branch").allTextContents()).toEqual(["cheap", "rich"]);
    const branch = page.locator(".fork-branch", { hasText: "Make it cheap." });
    await branch.locator("a", { hasText: "its call" }).click();
    await eventually(() => page.locator("h1").textContent()).toContain("Call of planner");
    expect(await page.locator("section", { hasText: "Messages" }).first().textContent()).toContain("Make it cheap.");
  });

  it("renders stored HTML as text: no script runs, no element is made from it", async () => {
    await open(`/agent?name=${encodeURIComponent(hostileAgent)}`);
    await eventually(() => page.locator("h1").textContent()).toBe(`Agent ${hostileAgent}`);
    await page.locator("ol.asks a").first().click();
    await eventually(() => page.locator("pre.text").first().textContent()).toBe(hostile);
    await open(`/calls?search=${encodeURIComponent("<script>")}`);
    await eventually(() => page.locator("table.calls tbody tr").count()).toBe(1);
    expect(await page.locator("table.calls tbody").textContent()).toContain(hostileAgent);
    expect(await page.evaluate(() => (globalThis as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(await page.locator("main script, main img[onerror]").count()).toBe(0);
  });

  it("asks for the overview once more after a burst of changes, not once per change", async () => {
    let changing = true;
    let signature = 0;
    let quietPolls = 0;
    let asked = 0;
    let answered = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The workspace changes at every poll while the first overview is held back (a large workspace's overview is slow).
    const slow = new Proxy(reader, {
      get(target, name) {
        if (name === "changes") {
          return async () => {
            if (!changing) quietPolls++;
            return String(changing ? ++signature : signature);
          };
        }
        if (name === "overview") {
          return async (options: Parameters<typeof target.overview>[0]) => {
            asked++;
            await gate;
            const overview = await target.overview(options);
            answered++;
            return overview;
          };
        }
        const value = Reflect.get(target, name, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    await using slowServer = await startViewServer({ reader: slow, pollInterval: 20 });
    const slowPage = await browser.newPage();
    await slowPage.goto(slowServer.url);
    await eventually(() => signature >= 20).toBe(true);
    changing = false;
    // The burst's last change event reaches the page before the held overview returns: several quiet polls first.
    await eventually(() => quietPolls >= 5).toBe(true);
    release();
    await eventually(() => slowPage.locator("h2").first().textContent()).toMatch(/^Calls \d+$/);
    await eventually(() => answered === asked && answered >= 2).toBe(true);
    expect(asked).toBe(2);
    await slowPage.close();
  });

  it("updates the open overview and calls table while a pipeline writes into the workspace", async () => {
    await open("/");
    await eventually(() => page.locator("h2").first().textContent()).toBe("Calls 15");
    const calls = await browser.newPage();
    await calls.goto(new URL("/calls?agent=late-*", server.url).toString());
    await eventually(() => calls.locator("text=No calls match.").count()).toBe(1);
    await Parallellm.run(directory, { clients: fake.clientsFor(), summary: false, llm: "gpt-4.1-mini" }, (pllm) =>
      pllm.forEach(
        [1, 2],
        (n) => `late-${n}`,
        (n, agent) => agent.ask(`A late question ${n}.`).text(),
      ),
    );
    await eventually(() => page.locator("h2").first().textContent()).toBe("Calls 17");
    await eventually(() => calls.locator("table.calls tbody tr").count()).toBe(2);
    await calls.close();
  });
});
