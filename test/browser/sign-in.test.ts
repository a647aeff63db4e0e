import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, signIn, type TestBrowser } from "../support/browser.js";
import { pushToHub } from "../support/runs.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { API_TOKEN } from "../support/test-config.js";

// Signing in and out of the dashboard in Chromium, and what guards the sign-in.
let pushgate: TestPushgate;
let plain: TestPushgate;
let browser: TestBrowser;

beforeAll(async () => {
  [pushgate, plain, browser] = await Promise.all([
    startTestPushgate(`trustProxy: 1
pipelines:
  - { name: web, match: { repository: "acme/*" } }`),
    startTestPushgate(),
    openBrowser(),
  ]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await Promise.all([pushgate?.stop({ graceMs: 0 }), plain?.stop({ graceMs: 0 })]);
});

/** POST /sign-in as the form sends it, from the site itself, from `address` behind the proxy. */
const postSignIn = (target: TestPushgate, token: string, headers: Record<string, string> = {}) =>
  fetch(`${target.url}/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: target.url,
      ...headers,
    },
    body: new URLSearchParams({ token, next: "/" }).toString(),
  });

describe("signing in", () => {
  it("refuses a wrong token, the same way however wrong, then lets the right one in", async () => {
    const page = await browser.newPage();
    await page.goto(`${pushgate.url}/`);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Sign in");
    expect(await page.getByLabel("API token").getAttribute("type")).toBe("password");

    const answers: { status: number; text: string }[] = [];
    for (const wrong of ["x", `${API_TOKEN}-but-longer`, API_TOKEN.slice(0, -1)]) {
      await page.getByLabel("API token").fill(wrong);
      const [response] = await Promise.all([
        page.waitForResponse(
          (r) => r.url().endsWith("/sign-in") && r.request().method() === "POST",
        ),
        page.getByRole("button", { name: "Sign in" }).click(),
      ]);
      await page.waitForLoadState();
      answers.push({
        status: response.status(),
        text: (await page.locator("main").innerText()).trim(),
      });
    }
    expect(answers.map((a) => a.status)).toEqual([403, 403, 403]);
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answers[0]?.text).toContain("That is not the API token.");
    expect(await browser.context.cookies()).toEqual([]);
    // The form does not give back what was typed.
    expect(await page.getByLabel("API token").inputValue()).toBe("");

    await page.getByLabel("API token").fill(API_TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Runs");
    expect(new URL(page.url()).pathname).toBe("/");
    await page.close();
  });

  it("keeps a random session id in an HttpOnly, SameSite=Strict cookie: never the token", async () => {
    const page = await browser.newPage();
    await page.goto(`${pushgate.url}/runs`);
    const cookies = await browser.context.cookies(pushgate.url);
    expect(cookies).toHaveLength(1);
    const [cookie] = cookies;
    expect(cookie).toMatchObject({
      name: "pushgate_session",
      httpOnly: true,
      sameSite: "Strict",
      path: "/",
      secure: false, // plain HTTP, no trusted proxy saying otherwise
    });
    expect(cookie?.value).toMatch(/^[\w-]{43}$/);
    expect(cookie?.value).not.toContain(API_TOKEN);
    expect(await page.evaluate<string>("document.cookie")).toBe("");
    expect(page.url()).not.toContain(API_TOKEN);
    expect(await page.content()).not.toContain(API_TOKEN);
    expect(browser.problems).toEqual([]);
    await page.close();
  });

  it("marks the cookie Secure over HTTPS, and believes X-Forwarded-Proto only with trustProxy", async () => {
    // Behind the proxy, the browser's page was https: so is its Origin.
    const https = { "x-forwarded-proto": "https", origin: pushgate.url.replace("http:", "https:") };
    const behindProxy = await postSignIn(pushgate, API_TOKEN, https);
    expect(behindProxy.status).toBe(303);
    expect(behindProxy.headers.get("set-cookie")).toMatch(
      /^pushgate_session=[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
    );
    // Without trustProxy the header is anyone's to send: the request came over plain HTTP.
    const untrusted = await postSignIn(plain, API_TOKEN, { "x-forwarded-proto": "https" });
    expect(untrusted.status).toBe(303);
    expect(untrusted.headers.get("set-cookie")).not.toMatch(/Secure/);
  });

  it("refuses an address that gave too many wrong tokens for a while, right ones included", async () => {
    // The limit the webhooks, /api and /metrics share: 20 wrong tokens a minute per address.
    const from = (address: string) => ({ "x-forwarded-for": address, accept: "text/html" });
    for (let i = 0; i < 20; i++) {
      expect((await postSignIn(pushgate, `wrong-${i}`, from("203.0.113.7"))).status).toBe(403);
    }
    const locked = await postSignIn(pushgate, API_TOKEN, from("203.0.113.7"));
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(locked.headers.get("set-cookie")).toBeNull();
    // A page for the browser, with the pages' headers.
    expect(locked.headers.get("content-type")).toMatch(/^text\/html/);
    expect(locked.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await locked.text()).toMatch(
      /20 wrong tokens from this address within 1m; retry in \d+ s/,
    );
    // The same address is refused by /api too, with JSON, its right token included.
    const api = await fetch(`${pushgate.url}/api/runs`, {
      headers: { authorization: `Bearer ${API_TOKEN}`, "x-forwarded-for": "203.0.113.7" },
    });
    expect(api.status).toBe(429);
    expect(await api.json()).toMatchObject({ error: "too_many_wrong_tokens" });
    // Another address is not affected.
    expect((await postSignIn(pushgate, API_TOKEN, from("203.0.113.8"))).status).toBe(303);
  });

  it("leaves /api as it was: the Bearer token, never the session cookie", async () => {
    const [cookie] = await browser.context.cookies(pushgate.url);
    const withCookie = await fetch(`${pushgate.url}/api/runs`, {
      headers: { cookie: `pushgate_session=${cookie?.value ?? ""}` },
    });
    expect(withCookie.status).toBe(401);
    const withToken = await fetch(`${pushgate.url}/api/runs`, {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    expect(withToken.status).toBe(200);
  });
});

describe("signing out", () => {
  it("closes every page again, in every tab, and the old cookie opens nothing", async () => {
    const [runId = ""] = await pushToHub(pushgate.url, "acme/web", "v1");
    await browser.context.clearCookies();
    const runs = await browser.newPage();
    await signIn(runs, pushgate.url);
    const [cookie] = await browser.context.cookies(pushgate.url);
    const other = await browser.newPage();
    await other.goto(`${pushgate.url}/pipelines`);
    expect(await other.locator("h1").textContent()).toBe("Pipelines");

    await runs.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => runs.locator("h1").textContent()).toBe("Sign in");
    expect(await browser.context.cookies(pushgate.url)).toEqual([]);

    await other.reload();
    expect(await other.locator("h1").textContent()).toBe("Sign in");
    for (const path of ["/", "/runs", "/pipelines", `/runs/${runId}`]) {
      await other.goto(`${pushgate.url}${path}`);
      expect(await other.locator("h1").textContent()).toBe("Sign in");
    }
    // Signing in from a run's page comes back to it.
    await other.getByLabel("API token").fill(API_TOKEN);
    await other.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => new URL(other.url()).pathname).toBe(`/runs/${runId}`);

    // The session that was signed out is gone from the store, not only from the browser.
    for (const path of ["/runs", `/runs/${runId}`, `/runs/${runId}/log`]) {
      const replayed = await fetch(`${pushgate.url}${path}`, {
        redirect: "manual",
        headers: { cookie: `pushgate_session=${cookie?.value ?? ""}` },
      });
      expect(replayed.status).toBe(303);
      expect(replayed.headers.get("location")).toMatch(/^\/sign-in/);
    }
    const stream = await fetch(`${pushgate.url}/runs/${runId}/log?follow=1`, {
      headers: { cookie: `pushgate_session=${cookie?.value ?? ""}` },
    });
    expect(stream.status).toBe(401);
    expect(browser.dialogs).toEqual([]);
  });
});
