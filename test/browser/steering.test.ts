import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, saveScreenshot, signIn, type TestBrowser } from "../support/browser.js";
import { buildTestImage } from "../support/build-test-image.js";
import { containersWith } from "../support/docker-objects.js";
import { getJson } from "../support/http.js";
import { sharedRegistry } from "../support/registry.js";
import { pushToHub, waitForRun } from "../support/runs.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { API_TOKEN } from "../support/test-config.js";
import { waitFor } from "../support/wait-for.js";

// Following a test live, cancel and retry from a run's page, pause and resume from the
// pipelines page, and badges: in Chromium, with real test containers.
const ns = `steer-${randomBytes(4).toString("hex")}`;
let pushgate: TestPushgate;
let browser: TestBrowser;
let page: Page;

beforeAll(async () => {
  const image = (name: string, script: string) =>
    buildTestImage({
      reference: `${sharedRegistry()}/${ns}/${name}:v1`,
      lines: [`CMD ${JSON.stringify(["sh", "-c", script])}`],
    });
  [, , , , pushgate, browser] = await Promise.all([
    image("talk", "echo first line; sleep 3; echo second line; sleep 1"),
    image("long", "echo started; sleep 60"),
    image("quick", "echo all good"),
    image("chatty", "seq 1 40000; sleep 3; echo the end"),
    startTestPushgate(
      `registries: [{ host: docker.io, mirror: "${sharedRegistry()}" }]
pipelines:
  - { name: talk, match: { repository: "${ns}/talk" }, badge: true }
  - { name: long, match: { repository: "${ns}/long" }, badge: true, concurrency: 1, test: { timeout: 90s } }
  - { name: quick, match: { repository: "${ns}/quick" }, badge: true }
  - { name: hidden, match: { repository: "${ns}/hidden" } }
  - { name: chatty, match: { repository: "${ns}/chatty" } }`,
      { executeRuns: true },
    ),
    openBrowser(),
  ]);
  page = await browser.newPage();
  await signIn(page, pushgate.url);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await pushgate?.stop({ graceMs: 0 });
});

const apiRun = async (id: string) =>
  (await getJson(`${pushgate.url}/api/runs/${id}`, API_TOKEN)).json;
const verdict = () => page.locator(".verdict-word").textContent();

describe("a running test's page", () => {
  it("shows later output lines as they come, without a reload, then the verdict", async () => {
    const [id = ""] = await pushToHub(pushgate.url, `${ns}/talk`, "v1");
    await waitForRun(pushgate.url, id, ["testing"]);
    await page.goto(`${pushgate.url}/runs/${id}`);
    await page.evaluate("window.sameDocument = true");
    expect(await page.locator("#run-state .word").textContent()).toBe("testing");
    await expect.poll(() => page.locator("#output").innerText()).toBe("first line\n");
    expect(await page.locator("#live-status").textContent()).toBe("following live");

    await expect
      .poll(() => page.locator("#output").innerText(), { timeout: 10_000 })
      .toBe("first line\nsecond line\n");
    expect(await page.evaluate<boolean>("window.sameDocument === true")).toBe(true);
    expect(await verdict()).toBe("testing");

    await expect.poll(verdict, { timeout: 15_000 }).toBe("passed");
    expect(await page.locator("#output").innerText()).toBe("first line\nsecond line\n");
    expect(browser.problems).toEqual([]);
  });

  it("marks where the middle of a long output was dropped, live and once finished", async () => {
    const [id = ""] = await pushToHub(pushgate.url, `${ns}/chatty`, "v1");
    await waitForRun(pushgate.url, id, ["testing"]);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // seq is done, sleep is not
    await page.goto(`${pushgate.url}/runs/${id}`);
    const dropped = page.locator("#output .dropped");
    await expect.poll(() => dropped.count()).toBe(1);
    expect(await page.locator("#live-status").textContent()).toBe("following live");
    expect(await dropped.textContent()).toMatch(/^… [\d,]+ bytes of output dropped here/);
    await expect.poll(verdict, { timeout: 15_000 }).toBe("passed");
    expect(await dropped.textContent()).toMatch(/^… [\d,]+ bytes of output dropped here/);
    const text = await page.locator("#output").innerText();
    expect(text.startsWith("1\n2\n3\n")).toBe(true);
    expect(text.endsWith("40000\nthe end\n")).toBe(true);
    expect(await page.locator(".output-meta").innerText()).toMatch(/\d+ dropped from the middle/);
  });
});

describe("cancel and retry", () => {
  it("cancels a running test from its page: its container is gone", async () => {
    const [id = ""] = await pushToHub(pushgate.url, `${ns}/long`, "v1");
    await waitForRun(pushgate.url, id, ["testing"]);
    await waitFor("the test container", async () =>
      (await containersWith(`pushgate.run=${id}`)).length > 0 ? true : undefined,
    );
    await page.goto(`${pushgate.url}/runs/${id}`);
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(verdict).toBe("cancelled");
    expect(await page.locator(".notice").textContent()).toContain("Cancelled");
    expect(await containersWith(`pushgate.run=${id}`)).toEqual([]);
    expect(await apiRun(id)).toMatchObject({ state: "cancelled" });
    expect(await page.getByRole("button", { name: "Cancel" }).count()).toBe(0);

    // Retry: a new run of the same push, linked both ways.
    await page.getByRole("button", { name: "Retry" }).click();
    await expect.poll(() => page.url()).not.toContain(id);
    const retryId = new URL(page.url()).pathname.split("/").at(-1) ?? "";
    expect(await page.locator(".notice").textContent()).toContain("Queued again");
    expect(await page.getByRole("link", { name: id }).getAttribute("href")).toBe(`/runs/${id}`);
    expect(await apiRun(retryId)).toMatchObject({ retryOf: id, pipeline: "long" });
    await page.goto(`${pushgate.url}/runs/${id}`);
    expect(await page.getByRole("link", { name: retryId }).getAttribute("href")).toBe(
      `/runs/${retryId}`,
    );
    await page.goto(`${pushgate.url}/runs/${retryId}`);
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(verdict).toBe("cancelled");
  });
});

describe("the pipelines page", () => {
  it("pauses and resumes the queue", async () => {
    await page.goto(`${pushgate.url}/pipelines`);
    expect(await page.locator(".queue-state").textContent()).toBe("running");
    await page.getByRole("button", { name: "Pause" }).click();
    await expect.poll(() => page.locator(".queue-state").textContent()).toBe("paused");
    expect((await getJson(`${pushgate.url}/api/queue`, API_TOKEN)).json).toMatchObject({
      paused: true,
    });
    const [id = ""] = await pushToHub(pushgate.url, `${ns}/quick`, "v1");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await apiRun(id)).toMatchObject({ state: "queued" });

    await page.getByRole("button", { name: "Resume" }).click();
    await expect.poll(() => page.locator(".queue-state").textContent()).toBe("running");
    expect(await waitForRun(pushgate.url, id)).toMatchObject({ state: "passed" });

    await page.goto(`${pushgate.url}/pipelines`);
    const quick = page.locator("#pipeline-quick");
    expect(await quick.locator(".strip a").first().getAttribute("href")).toBe(`/runs/${id}`);
    expect(await quick.locator(".strip .visually-hidden").first().textContent()).toBe("passed");
    expect(await quick.innerText()).toContain(
      "pushgate.test.command label, else its default command",
    );
    const badge = quick.locator("img");
    await expect
      .poll(() =>
        badge.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
      )
      .toBeGreaterThan(0);
    await saveScreenshot(page, "pipelines.png");
  });
});

describe("badges", () => {
  const badge = (name: string) => fetch(`${pushgate.url}/badges/${name}.svg`);

  it("shows a pipeline's latest finished result to anyone, for pipelines with badge: true", async () => {
    const passed = await badge("quick");
    expect(passed.status).toBe(200);
    expect(passed.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    const svg = await passed.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('aria-label="quick: passed"');
    // Only cancelled runs: no result yet.
    expect(await (await badge("long")).text()).toContain('aria-label="long: unknown"');
  });

  it("answers 404 for a pipeline without badge: true, as for one that does not exist", async () => {
    for (const name of ["hidden", "nope"]) {
      const response = await badge(name);
      expect(response.status).toBe(404);
      expect(await response.text()).toBe("no badge here\n");
    }
  });
});
