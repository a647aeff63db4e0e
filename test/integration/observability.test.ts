import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestImage } from "../support/build-test-image.js";
import { getJson, post } from "../support/http.js";
import { startHttpReceiver } from "../support/http-receiver.js";
import { sharedRegistry } from "../support/registry.js";
import { pushToHub, waitForRun } from "../support/runs.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { WEBHOOK_TOKEN } from "../support/test-config.js";
import { waitFor } from "../support/wait-for.js";

// /metrics after real webhooks and runs; /readyz with the engine or the store unreachable.
const ns = `obs-${randomBytes(4).toString("hex")}`;
const started: TestPushgate[] = [];

async function start(rest: string, executeRuns = false): Promise<TestPushgate> {
  const pushgate = await startTestPushgate(rest, { executeRuns });
  started.push(pushgate);
  return pushgate;
}

async function metrics(url: string): Promise<{ contentType: string | null; text: string }> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  return { contentType: response.headers.get("content-type"), text: await response.text() };
}

/** The value of one sample line, e.g. `pushgate_runs_total{pipeline="obs",state="passed"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

beforeAll(async () => {
  await Promise.all([
    buildTestImage({ reference: `${sharedRegistry()}/${ns}/pass:v1`, lines: ['CMD ["true"]'] }),
    buildTestImage({ reference: `${sharedRegistry()}/${ns}/fail:v1`, lines: ['CMD ["false"]'] }),
    buildTestImage({
      reference: `${sharedRegistry()}/${ns}/slow:v1`,
      lines: ['CMD ["sleep", "5"]'],
    }),
  ]);
}, 120_000);
afterAll(() => Promise.all(started.map((p) => p.stop({ graceMs: 0 }))));

describe("GET /metrics", () => {
  it("counts webhooks by source and answer, runs by result, step durations, queue and running tests", async () => {
    const hooks = await startHttpReceiver();
    const pushgate = await start(
      `registries: [{ host: docker.io, mirror: "${sharedRegistry()}" }]
pipelines:
  - name: obs
    match: { repository: "${ns}/*" }
    on:
      success: [{ webhook: { url: "${hooks.url}/passed" } }]
      failure: [{ webhook: { url: "${hooks.url}/failed" } }]`,
      true,
    );
    const passed = await pushToHub(pushgate.url, `${ns}/pass`, "v1");
    await waitForRun(pushgate.url, passed[0] ?? "");
    hooks.answerNext(403);
    const failed = await pushToHub(pushgate.url, `${ns}/fail`, "v1");
    await post(`${pushgate.url}/dockerhub-webhook/wrong-token-123/notify`, {});
    await post(`${pushgate.url}/dockerhub-webhook/${WEBHOOK_TOKEN}/notify`, { repository: {} });
    await post(`${pushgate.url}/dockerregistry-webhook/${WEBHOOK_TOKEN}/notify`, { events: [] });
    for (const id of [...passed, ...failed]) await waitForRun(pushgate.url, id);
    const [slow = ""] = await pushToHub(pushgate.url, `${ns}/slow`, "v1");
    await waitForRun(pushgate.url, slow, ["testing"]);

    const { contentType, text } = await metrics(pushgate.url);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const webhooks = (source: string, status: number) =>
      sample(text, `pushgate_webhooks_total{source="${source}",status="${status}"}`);
    expect(webhooks("dockerhub", 202)).toBe(3);
    expect(webhooks("dockerhub", 403)).toBe(1);
    expect(webhooks("dockerhub", 400)).toBe(1);
    expect(webhooks("registry", 200)).toBe(1);
    expect(sample(text, `pushgate_runs_total{pipeline="obs",state="passed"}`)).toBe(1);
    expect(sample(text, `pushgate_runs_total{pipeline="obs",state="failed"}`)).toBe(1);
    expect(sample(text, `pushgate_step_duration_seconds_count{step="pull"}`)).toBe(2);
    expect(sample(text, `pushgate_step_duration_seconds_count{step="test"}`)).toBe(2);
    expect(sample(text, `pushgate_step_duration_seconds_sum{step="test"}`)).toBeGreaterThan(0);
    expect(sample(text, `pushgate_step_duration_seconds_count{step="actions"}`)).toBe(2);
    expect(sample(text, `pushgate_actions_total{kind="webhook",state="done"}`)).toBe(1);
    expect(sample(text, `pushgate_actions_total{kind="webhook",state="failed"}`)).toBe(1);
    await hooks.close();
    expect(sample(text, "pushgate_tests_running")).toBe(1);
    expect(sample(text, "pushgate_queue_depth")).toBe(0);
    expect(text).toContain("process_resident_memory_bytes");
  });

  it("shows the queue depth of runs waiting", async () => {
    const pushgate = await start(`pipelines: [{ name: waiting, match: { repository: "acme/*" } }]`);
    await pushToHub(pushgate.url, "acme/web", "v1");
    await pushToHub(pushgate.url, "acme/api", "v1");
    expect(sample((await metrics(pushgate.url)).text, "pushgate_queue_depth")).toBe(2);
  });
});

describe("GET /readyz", () => {
  it("fails with the reason when the Docker engine is unreachable", async () => {
    const pushgate = await start(`docker: { host: "unix:///nonexistent/pushgate/docker.sock" }`);
    const { status, json } = await getJson(`${pushgate.url}/readyz`);
    expect(status).toBe(503);
    expect(json).toEqual({
      status: "not ready",
      checks: {
        store: "ok",
        docker: "Docker unreachable at unix:///nonexistent/pushgate/docker.sock (ENOENT)",
      },
    });
    expect((await getJson(`${pushgate.url}/healthz`)).status).toBe(200);
  });

  it("fails with the reason while another connection holds the store's write lock", async () => {
    const pushgate = await start("");
    expect((await getJson(`${pushgate.url}/readyz`)).status).toBe(200);
    const locker = new Database(pushgate.dbPath);
    try {
      locker.exec("BEGIN IMMEDIATE"); // holds the write lock: no delivery could be recorded
      const { status, json } = await getJson(`${pushgate.url}/readyz`);
      expect(status).toBe(503);
      expect(json).toMatchObject({
        status: "not ready",
        checks: { store: "store unavailable: database is locked", docker: "ok" },
      });
    } finally {
      locker.exec("ROLLBACK");
      locker.close();
    }
    await waitFor("the store to answer again", async () =>
      (await getJson(`${pushgate.url}/readyz`)).status === 200 ? true : undefined,
    );
  });
});
