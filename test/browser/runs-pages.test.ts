import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, saveScreenshot, signIn, type TestBrowser } from "../support/browser.js";
import { JENKINS_PARAMETER_NAMES } from "../../src/actions/jenkins-parameters-of.js";
import { buildTestImage } from "../support/build-test-image.js";
import { getJson } from "../support/http.js";
import { startJenkinsStandin, type JenkinsStandin } from "../support/jenkins-standin.js";
import { sharedRegistry } from "../support/registry.js";
import { pushToHub, waitForRun } from "../support/runs.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { API_TOKEN } from "../support/test-config.js";

// The runs list and a run's page in Chromium, over runs of real images on the real engine;
// what comes from outside (output, pushers) shown as text; forms from elsewhere refused.
const ns = `pages-${randomBytes(4).toString("hex")}`;
const HOSTILE_PUSHER = "<img src=x onerror=alert(3)>";
const REVISION = "5d1e3c0b9f2a4e6d8c7b1a0f9e8d7c6b5a4f3e2d";
let pushgate: TestPushgate;
let jenkins: JenkinsStandin;
let browser: TestBrowser;
let page: Page;
const runs: Record<"passed" | "failed" | "errored" | "hostile", string> = {
  passed: "",
  failed: "",
  errored: "",
  hostile: "",
};

beforeAll(async () => {
  const image = (name: string, script: string, labels: string[] = []) =>
    buildTestImage({
      reference: `${sharedRegistry()}/${ns}/${name}:v1`,
      lines: [...labels, `CMD ${JSON.stringify(["sh", "-c", script])}`],
    });
  jenkins = await startJenkinsStandin({
    users: { pushgate: { token: "pages-jenkins-token" } },
    jobs: { "deploy/web": { parameters: [...JENKINS_PARAMETER_NAMES] } },
  });
  [, , , , pushgate, browser] = await Promise.all([
    image(
      "pass",
      String.raw`printf '\033[1;32mok\033[0m 1 - the shell answers\n\033[32mok\033[0m 2 - IMAGE_NAME is set\n2 tests passed\n'`,
      [
        `LABEL org.opencontainers.image.source="https://github.com/acme/web.git" org.opencontainers.image.revision="${REVISION}"`,
      ],
    ),
    image(
      "fail",
      String.raw`printf 'ok 1 - the shell answers\n\033[31mnot ok\033[0m 2 - 2 + 2 is 5: expected 5, got 4\n'; sleep 0.2; echo '1 of 2 tests failed' >&2; exit 1`,
    ),
    image(
      "hostile",
      "echo '<script>alert(1);window.pwned=1</script>'; echo '<img src=x onerror=alert(2)>'; sleep 3",
    ),
    image("slow", "sleep 3; echo done"),
    startTestPushgate(
      `registries: [{ host: docker.io, mirror: "${sharedRegistry()}" }]
jenkins: { url: "${jenkins.url}", user: pushgate, token: pages-jenkins-token }
actions: { backoff: 200ms }
pipelines:
  - name: web
    match: { repository: "${ns}/*" }
    test: { timeout: 30s }
    on: { success: [{ jenkins: { job: deploy/web, wait: true } }] }`,
      { executeRuns: true },
    ),
    openBrowser(),
  ]);
  [runs.passed = ""] = await pushToHub(pushgate.url, `${ns}/pass`, "v1");
  [runs.failed = ""] = await pushToHub(pushgate.url, `${ns}/fail`, "v1");
  [runs.errored = ""] = await pushToHub(pushgate.url, `${ns}/never-pushed`, "v1");
  page = await browser.newPage();
  await signIn(page, pushgate.url);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await pushgate?.stop({ graceMs: 0 });
  await jenkins?.close();
});

/** The state word the runs list shows on a run's row. */
const rowState = (id: string) => page.locator(`tr[data-run="${id}"] .state .word`).textContent();

describe("the runs list", () => {
  it("shows a passed, a failed and an errored run, each with its word", async () => {
    for (const id of [runs.passed, runs.failed, runs.errored]) await waitForRun(pushgate.url, id);
    await page.goto(`${pushgate.url}/runs`);
    expect(await rowState(runs.passed)).toBe("passed");
    expect(await rowState(runs.failed)).toBe("failed");
    expect(await rowState(runs.errored)).toBe("errored");
    const row = page.locator(`tr[data-run="${runs.passed}"]`);
    expect(await row.innerText()).toContain(`${ns}/pass:v1`);
    expect(await row.innerText()).toContain("Docker Hub");
    expect(await row.innerText()).toMatch(/sha256:[0-9a-f]{12}/);
    // The commit the image says it was built from, linked on GitHub.
    const commit = row.getByRole("link", { name: "5d1e3c0" });
    expect(await commit.getAttribute("href")).toBe(
      `https://github.com/acme/web/commit/${REVISION}`,
    );
    await saveScreenshot(page, "runs-list.png");
  });

  it("narrows to a filter that lives in the URL and survives a reload", async () => {
    await page.goto(`${pushgate.url}/runs`);
    await page.getByLabel("State").selectOption("failed");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get("state")).toBe("failed");
    const shown = () => page.locator("tbody tr").evaluateAll((rows) => rows.length);
    expect(await shown()).toBe(1);
    expect(await rowState(runs.failed)).toBe("failed");
    await page.reload();
    expect(await shown()).toBe(1);
    expect(await page.getByLabel("State").inputValue()).toBe("failed");
    await page.goto(`${pushgate.url}/runs?pipeline=web&repository=${ns}/pass`);
    expect(await shown()).toBe(1);
    expect(await rowState(runs.passed)).toBe("passed");
  });

  it("updates the row of an unfinished run without a reload", async () => {
    const [slow = ""] = await pushToHub(pushgate.url, `${ns}/slow`, "v1");
    await page.goto(`${pushgate.url}/runs`);
    expect(["queued", "pulling", "testing"]).toContain(await rowState(slow));
    await page.evaluate("window.notReloaded = true");
    await expect.poll(() => rowState(slow), { timeout: 30_000 }).toBe("passed");
    expect(await page.evaluate<boolean>("window.notReloaded === true")).toBe(true);
  });
});

describe("a run's page", () => {
  it("shows a passing run: verdict, timeline, digest, push and its coloured output", async () => {
    await page.goto(`${pushgate.url}/runs/${runs.passed}`);
    expect(await page.locator(".verdict-word").textContent()).toBe("passed");
    const steps = await page.locator(".timeline .step").allTextContents();
    expect(steps).toEqual(["queued", "pull", "test", "actions"]);
    const action = page.locator("table.actions tbody tr");
    expect(await action.innerText()).toContain("jenkins deploy/web");
    expect(await action.locator(".state .word").textContent()).toBe("done");
    const build = action.getByRole("link", { name: "Jenkins build" });
    expect(await build.getAttribute("href")).toMatch(
      new RegExp(`^${jenkins.url}/job/deploy/job/web/\\d+/$`),
    );
    expect(await page.locator(".timeline .took").allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\d+(\.\d)? (ms|s)$/)]),
    );
    const run = (await getJson(`${pushgate.url}/api/runs/${runs.passed}`, API_TOKEN)).json;
    expect(await page.locator(".facts").first().innerText()).toContain(String(run.imageDigest));
    expect(await page.locator("main").innerText()).toContain("Docker Hub");
    expect(await page.locator("#output").innerText()).toBe(
      "ok 1 - the shell answers\nok 2 - IMAGE_NAME is set\n2 tests passed\n",
    );
    expect(await page.locator("#output .ansi-green-fg").count()).toBe(2);
    expect(await page.locator("#output .ansi-green-fg").first().getAttribute("style")).toBe(
      "font-weight:bold",
    );
    expect(await page.getByRole("button", { name: "Retry" }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Cancel" }).count()).toBe(0);
    await saveScreenshot(page, "passing-run.png");

    const raw = await page.request.get(`${pushgate.url}/runs/${runs.passed}/log`);
    expect(raw.headers()["content-type"]).toMatch(/^text\/plain/);
    expect(await raw.text()).toContain("\u001b[32mok\u001b[0m 2 - IMAGE_NAME is set");
    expect(browser.problems).toEqual([]);
  });

  it("shows a failing run: its exit code and what it printed on stderr", async () => {
    await page.goto(`${pushgate.url}/runs/${runs.failed}`);
    expect(await page.locator(".verdict-word").textContent()).toBe("failed");
    expect(await page.locator(".verdict .reason").textContent()).toBe("exit code 1");
    expect(await page.locator(".verdict .exit").count()).toBe(0);
    expect(await page.locator("#output").innerText()).toBe(
      "ok 1 - the shell answers\nnot ok 2 - 2 + 2 is 5: expected 5, got 4\n1 of 2 tests failed\n",
    );
    expect(await page.locator("#output .stdout .ansi-red-fg").textContent()).toBe("not ok");
    expect(await page.locator("#output .stderr").innerText()).toBe("1 of 2 tests failed\n");
    await saveScreenshot(page, "failing-run.png");
  });

  it("shows an errored run's reason where its output would be", async () => {
    await page.goto(`${pushgate.url}/runs/${runs.errored}`);
    expect(await page.locator(".verdict-word").textContent()).toBe("errored");
    const reason = String(
      (await getJson(`${pushgate.url}/api/runs/${runs.errored}`, API_TOKEN)).json.reason,
    );
    expect(reason).not.toBe("");
    expect(await page.locator(".errored-reason").innerText()).toContain(reason);
    expect(await page.locator(".timeline .step").allTextContents()).toContain("pull");
  });
});

describe("what comes from outside", () => {
  it("shows HTML in output and pushers as text, live and finished, and runs none of it", async () => {
    [runs.hostile = ""] = await pushToHub(pushgate.url, `${ns}/hostile`, "v1", HOSTILE_PUSHER);
    await waitForRun(pushgate.url, runs.hostile, ["testing"]);
    await page.goto(`${pushgate.url}/runs/${runs.hostile}`);
    // Live: drawn by the page's script from the log stream.
    await expect
      .poll(() => page.locator("#output").innerText())
      .toContain("<img src=x onerror=alert(2)>");
    await checkNothingRan(page);
    // Finished: the page reloads itself and the server draws the output.
    await expect
      .poll(() => page.locator(".verdict-word").textContent(), { timeout: 20_000 })
      .toBe("passed");
    expect(await page.locator("#output").innerText()).toBe(
      "<script>alert(1);window.pwned=1</script>\n<img src=x onerror=alert(2)>\n",
    );
    expect(await page.locator("main").innerText()).toContain(HOSTILE_PUSHER);
    await checkNothingRan(page);

    await page.goto(`${pushgate.url}/runs`);
    expect(await page.locator(`tr[data-run="${runs.hostile}"]`).innerText()).toContain(
      HOSTILE_PUSHER,
    );
    await checkNothingRan(page);
    expect(browser.dialogs).toEqual([]);
  });
});

describe("forms from elsewhere", () => {
  const tokenOf = async () => {
    await page.goto(`${pushgate.url}/pipelines`);
    return page.locator('input[name="_csrf"]').first().inputValue();
  };
  const queue = async () => (await getJson(`${pushgate.url}/api/queue`, API_TOKEN)).json;
  /** How many runs there are: a retry would make one more. */
  const runCount = async () =>
    ((await getJson(`${pushgate.url}/api/runs?limit=200`, API_TOKEN)).json.runs as unknown[])
      .length;

  it("refuses a POST with a foreign Origin or without the page's token, changing nothing", async () => {
    const token = await tokenOf();
    const before = await runCount();
    const attempts: {
      path: string;
      headers: Record<string, string>;
      form: Record<string, string>;
    }[] = [
      { path: "/queue/pause", headers: { origin: "http://evil.example" }, form: { _csrf: token } },
      { path: "/queue/pause", headers: { origin: pushgate.url }, form: {} },
      { path: "/queue/pause", headers: { origin: pushgate.url }, form: { _csrf: `${token}x` } },
      { path: `/runs/${runs.passed}/retry`, headers: { origin: "null" }, form: { _csrf: token } },
      { path: `/runs/${runs.passed}/retry`, headers: { origin: pushgate.url }, form: {} },
    ];
    for (const attempt of attempts) {
      const response = await page.request.post(`${pushgate.url}${attempt.path}`, {
        headers: attempt.headers,
        form: attempt.form,
        maxRedirects: 0,
      });
      expect(response.status(), JSON.stringify(attempt)).toBe(403);
      expect(await response.text()).toContain("nothing was done");
    }
    expect(await queue()).toMatchObject({ paused: false });
    expect(await runCount()).toBe(before);
  });

  it("refuses the form of a page on another origin, even one that knows the token", async () => {
    const token = await tokenOf();
    const before = await runCount();
    const foreign = await serveForeignPage(`<!doctype html>
<form method="post" action="${pushgate.url}/queue/pause"><input name="_csrf" value="${token}"></form>
<script>document.forms[0].submit()</script>`);
    try {
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${pushgate.url}/queue/pause`),
        page.goto(foreign.url),
      ]);
      expect(response.status()).toBe(403);
      await page.waitForLoadState();
      expect(await page.locator("main").innerText()).toContain("nothing was done");
    } finally {
      await foreign.close();
    }
    expect(await queue()).toMatchObject({ paused: false });
    expect(await runCount()).toBe(before);
  });
});

describe("with JavaScript off", () => {
  it("lists and filters the runs, shows a run's output, and retries it with plain forms", async () => {
    const plain = await browser.newPage();
    const cdp = await browser.context.newCDPSession(plain);
    await cdp.send("Emulation.setScriptExecutionDisabled", { value: true });
    try {
      await plain.goto(`${pushgate.url}/runs`);
      await plain.getByLabel("State").selectOption("failed");
      await plain.getByRole("button", { name: "Filter" }).click();
      await expect.poll(() => new URL(plain.url()).searchParams.get("state")).toBe("failed");
      expect(await plain.locator("tbody tr .state .word").allTextContents()).toEqual(["failed"]);

      await plain.getByRole("link", { name: `${ns}/fail:v1`, exact: true }).click();
      expect(await plain.locator(".verdict-word").textContent()).toBe("failed");
      expect(await plain.locator("#output").innerText()).toContain("not ok 2 - 2 + 2 is 5");
      await plain.getByRole("button", { name: "Retry" }).click();
      await expect.poll(() => plain.url()).not.toContain(runs.failed);
      expect(await plain.locator(".notice").textContent()).toContain("Queued again");
      // The script that follows a run is off: the page says so instead of following it.
      expect(await plain.locator("#live-status").textContent()).toContain("turn on JavaScript");
      const retryId = new URL(plain.url()).pathname.split("/").at(-1) ?? "";
      expect(await waitForRun(pushgate.url, retryId)).toMatchObject({
        state: "failed",
        retryOf: runs.failed,
      });
      // Without the script the page does not follow the run; a reload shows where it is.
      await plain.reload();
      expect(await plain.locator(".verdict-word").textContent()).toBe("failed");
    } finally {
      await plain.close();
    }
  });
});

/** No script of the output ran: no dialog, no marker, no element made from the text. */
async function checkNothingRan(on: Page): Promise<void> {
  expect(browser.dialogs).toEqual([]);
  expect(await on.evaluate<boolean>("window.pwned === undefined")).toBe(true);
  expect(await on.locator("main script, main img:not([alt])").count()).toBe(0);
  expect(await on.locator("#output *:not(span)").count()).toBe(0);
}

/** A page of another origin (another port of 127.0.0.1), as an attacker's site would be. */
async function serveForeignPage(
  html: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
