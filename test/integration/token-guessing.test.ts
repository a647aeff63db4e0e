import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sendFrom, type AnswerFrom } from "../support/http.js";
import { runPushgateCommand } from "../support/spawn-pushgate.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { API_TOKEN, tempDir, testConfigYaml, WEBHOOK_TOKEN } from "../support/test-config.js";

// Token guessing, /metrics behind a token, and secrets read from files, on a running pushgate.
const started: TestPushgate[] = [];
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
});

async function pushgateWith(rest = "", auth = ""): Promise<TestPushgate> {
  const pushgate = await startTestPushgate(
    `${rest}pipelines: [{ name: web, match: { repository: "acme/*" } }]\n`,
    { auth },
  );
  started.push(pushgate);
  return pushgate;
}

const send = sendFrom;

const push = JSON.stringify({ push_data: { tag: "v1" }, repository: { repo_name: "acme/web" } });
const hook = (url: string, token: string, from: string, headers: Record<string, string> = {}) =>
  send(`${url}/dockerhub-webhook/${token}/notify`, {
    from,
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: push,
  });
const metricValue = (text: string, name: string) =>
  Number(new RegExp(`^${name} (\\d+)$`, "m").exec(text)?.[1] ?? "NaN");

describe("guessing tokens", () => {
  it("answers 429 with Retry-After after 20 wrong tokens from one address; others are not affected", async () => {
    const pushgate = await pushgateWith();
    const statuses: number[] = [];
    let last: AnswerFrom | undefined;
    for (let i = 0; i < 25; i += 1) {
      last = await hook(pushgate.url, `guess-${i}-xxxxxxxx`, "127.0.0.2");
      statuses.push(last.status);
    }
    expect(statuses).toEqual([...Array<number>(20).fill(403), ...Array<number>(5).fill(429)]);
    const retryAfter = Number(last?.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(JSON.parse(last?.body ?? "{}")).toMatchObject({ error: "too_many_wrong_tokens" });
    // Locked out: even the right token is refused from there, for the rest of the minute.
    expect((await hook(pushgate.url, WEBHOOK_TOKEN, "127.0.0.2")).status).toBe(429);
    // Another address with the right token is not affected.
    expect((await hook(pushgate.url, WEBHOOK_TOKEN, "127.0.0.3")).status).toBe(202);

    await new Promise((resolve) => setImmediate(resolve));
    const logged = pushgate.logLines.filter((line) => line.includes("too many wrong tokens"));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0] ?? "{}")).toMatchObject({ level: "warn", address: "127.0.0.2" });
    const metrics = await (await fetch(`${pushgate.url}/metrics`)).text();
    expect(metricValue(metrics, "pushgate_token_lockouts_total")).toBe(1);
    expect(metricValue(metrics, "pushgate_wrong_tokens_total")).toBe(20);
  });

  it("counts wrong API tokens too, but not requests without one", async () => {
    const pushgate = await pushgateWith();
    const api = (token?: string) =>
      send(`${pushgate.url}/api/runs`, {
        from: "127.0.0.4",
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    for (let i = 0; i < 30; i += 1) expect((await api()).status).toBe(401);
    for (let i = 0; i < 20; i += 1) expect((await api(`wrong-${i}-xxxxxx`)).status).toBe(403);
    expect((await api(API_TOKEN)).status).toBe(429);
  });

  it("takes the address from X-Forwarded-For only when trustProxy says so", async () => {
    const ignored = await pushgateWith();
    for (let i = 0; i < 20; i += 1) {
      // A guesser cannot dodge the limit by making up a new forwarded address each time.
      const forged = { "x-forwarded-for": `198.51.100.${i}` };
      expect((await hook(ignored.url, `guess-${i}-xxxxxxxx`, "127.0.0.5", forged)).status).toBe(
        403,
      );
    }
    expect((await hook(ignored.url, "guess-xxxxxxxx", "127.0.0.5")).status).toBe(429);

    const trusting = await pushgateWith("trustProxy: loopback\n");
    const client = (address: string) => ({ "x-forwarded-for": address });
    for (let i = 0; i < 20; i += 1) {
      await hook(trusting.url, `guess-${i}-xxxxxxxx`, "127.0.0.6", client("203.0.113.7"));
    }
    expect(
      (await hook(trusting.url, WEBHOOK_TOKEN, "127.0.0.6", client("203.0.113.7"))).status,
    ).toBe(429);
    // The same proxy, another client behind it.
    expect(
      (await hook(trusting.url, WEBHOOK_TOKEN, "127.0.0.6", client("203.0.113.8"))).status,
    ).toBe(202);
  });
});

describe("/metrics with auth.metricsToken", () => {
  it("answers 401 without the token, 403 with a wrong one, 200 with it; open when unset", async () => {
    const guarded = await pushgateWith("", "metricsToken: scrape-token-1");
    const metrics = (url: string, token?: string) =>
      fetch(`${url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const without = await metrics(guarded.url);
    expect(without.status).toBe(401);
    expect(without.headers.get("www-authenticate")).toBe('Bearer realm="pushgate"');
    expect((await metrics(guarded.url, "wrong-token-1")).status).toBe(403);
    const right = await metrics(guarded.url, "scrape-token-1");
    expect(right.status).toBe(200);
    expect(await right.text()).toContain("pushgate_webhooks_total");
    expect((await metrics((await pushgateWith()).url)).status).toBe(200);
  });
});

describe("${file:...} secrets", () => {
  it("reads the secret, masks it in logs, and names a missing file", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "api_token"), "api-token-from-a-file-1\n");
    writeFileSync(join(dir, "db_password"), "hunter2-from-file\n");
    const pushgate = await startTestPushgate(
      `pipelines: [{ name: web, match: { repository: "acme/*" }, test: { env: { DB_URL: "postgres://app:\${file:${dir}/db_password}@db/app" } } }]\n`,
      { auth: `metricsToken: "\${file:${dir}/api_token}"` },
    );
    started.push(pushgate);
    expect(
      (
        await fetch(`${pushgate.url}/metrics`, {
          headers: { authorization: "Bearer api-token-from-a-file-1" },
        })
      ).status,
    ).toBe(200);
    pushgate.logger.info("a line holding them", {
      token: "api-token-from-a-file-1",
      url: pushgate.config.pipelines[0]?.test.env.DB_URL,
    });
    await new Promise((resolve) => setImmediate(resolve));
    const line = pushgate.logLines.find((l) => l.includes("a line holding them")) ?? "";
    expect(line).not.toContain("api-token-from-a-file-1");
    expect(line).not.toContain("hunter2-from-file");
    expect(line).toContain("[REDACTED]");

    const config = join(dir, "broken.yml");
    writeFileSync(config, testConfigYaml(dir, "", `metricsToken: "\${file:${dir}/missing_token}"`));
    const checked = await runPushgateCommand(["check-config", config]);
    expect(checked.code).toBe(78);
    expect(checked.stderr).toContain(
      `auth.metricsToken: cannot read secret file ${dir}/missing_token (no such file)`,
    );
  });
});
