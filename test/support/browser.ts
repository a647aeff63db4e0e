import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { API_TOKEN } from "./test-config.js";

/**
 * Chromium as the browser tests run it: headless, no sandbox (the suite runs as root), no
 * GPU, QUIC, first-run screens, background traffic, component updates or sync, so it talks
 * only to the pushgate under test.
 */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface TestBrowser {
  context: BrowserContext;
  /** A new tab; what goes wrong in it (script errors, CSP refusals, dialogs) is recorded. */
  newPage(): Promise<Page>;
  /** Script errors and console errors (CSP refusals among them) of every tab so far. */
  problems: string[];
  /** Dialogs (alert, confirm, prompt) any tab opened: none is expected, ever. */
  dialogs: string[];
  close(): Promise<void>;
}

/**
 * Debian's chromium (installed by scripts/test-env.sh, PUSHGATE_TEST_CHROMIUM) driven by
 * playwright-core, with a fresh profile in its own --user-data-dir that goes when it closes.
 * One per test file.
 */
export async function openBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "pushgate-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.PUSHGATE_TEST_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 860 },
    timeout: 30_000,
  });
  context.setDefaultTimeout(15_000);
  const problems: string[] = [];
  const dialogs: string[] = [];
  const watch = (page: Page): void => {
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      // An answer of 4xx is logged too: the tests look at those themselves.
      const text = message.text();
      if (message.type() === "error" && !text.startsWith("Failed to load resource")) {
        problems.push(`console: ${text}`);
      }
    });
    page.on("dialog", (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
  };
  context.on("page", watch);
  context.pages().forEach(watch);
  return {
    context,
    problems,
    dialogs,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in through the form, as a person would, and waits for the runs page. */
export async function signIn(page: Page, url: string, token = API_TOKEN): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { level: 1, name: "Runs", exact: true }).waitFor();
}

/**
 * A picture of the whole page, no taller than its content, for the docs: 1280 px wide,
 * saved where screenshotPath says.
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 1280, height: 320 });
  await page.screenshot({ path: screenshotPath(name), fullPage: true });
  if (size) await page.setViewportSize(size);
}

/**
 * Where screenshots go: docs/images/ when PUSHGATE_SCREENSHOTS says so (npm run screenshots),
 * otherwise a temporary folder, so a test run leaves the committed pictures as they are.
 */
export function screenshotPath(name: string): string {
  const chosen = process.env.PUSHGATE_SCREENSHOTS;
  const dir = chosen ? resolve(chosen) : join(tmpdir(), "pushgate-screenshots");
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
