import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestImage } from "../support/build-test-image.js";
import { containersWith } from "../support/docker-objects.js";
import { getJson, post } from "../support/http.js";
import { sharedRegistry } from "../support/registry.js";
import { pushToHub, waitForRun } from "../support/runs.js";
import { openEventStream, type ReceivedEvent } from "../support/sse.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { API_TOKEN } from "../support/test-config.js";
import { waitFor } from "../support/wait-for.js";

// Cancel, retry and the live log stream through the API, with real test containers.
const ns = `steer-${randomBytes(4).toString("hex")}`;
let pushgate: TestPushgate;

beforeAll(async () => {
  await Promise.all([
    buildTestImage({
      reference: `${sharedRegistry()}/${ns}/long:v1`,
      lines: ['CMD ["sleep", "60"]'],
    }),
    buildTestImage({
      reference: `${sharedRegistry()}/${ns}/pass:v1`,
      lines: ['CMD ["sh", "-c", "echo passed"]'],
    }),
    buildTestImage({
      reference: `${sharedRegistry()}/${ns}/talk:v1`,
      lines: ['CMD ["sh", "-c", "echo first line; sleep 4; echo second line >&2; sleep 1"]'],
    }),
  ]);
  pushgate = await startTestPushgate(
    `registries: [{ host: docker.io, mirror: "${sharedRegistry()}" }]
docker: { concurrency: 2 }
pipelines:
  - { name: long, match: { repository: "${ns}/long" }, concurrency: 1, test: { timeout: 90s } }
  - { name: quick, match: { repository: "${ns}/pass" } }
  - { name: talk, match: { repository: "${ns}/talk" } }`,
    { executeRuns: true },
  );
}, 120_000);
afterAll(() => pushgate.stop({ graceMs: 0 }));

const steer = (id: string, action: "cancel" | "retry", token = API_TOKEN) =>
  post(`${pushgate.url}/api/runs/${id}/${action}`, "", { authorization: `Bearer ${token}` });

describe("POST /api/runs/:id/cancel", () => {
  it("kills a run mid-test: cancelled when answered, its container already gone", async () => {
    const [id = ""] = await pushToHub(pushgate.url, `${ns}/long`, "v1");
    await waitForRun(pushgate.url, id, ["testing"]);
    await waitFor("the test container", async () =>
      (await containersWith(`pushgate.run=${id}`)).length > 0 ? true : undefined,
    );
    const { status, json } = await steer(id, "cancel");
    expect(status).toBe(200);
    expect(json).toMatchObject({ id, state: "cancelled", reason: "cancelled" });
    expect(await containersWith(`pushgate.run=${id}`)).toEqual([]);

    const again = await steer(id, "cancel");
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ error: "run_not_cancellable", state: "cancelled" });
  });

  it("cancels a queued run without running it", async () => {
    const [running = ""] = await pushToHub(pushgate.url, `${ns}/long`, "v1");
    const [queued = ""] = await pushToHub(pushgate.url, `${ns}/long`, "v1"); // concurrency 1
    expect((await getJson(`${pushgate.url}/api/runs/${queued}`, API_TOKEN)).json.state).toBe(
      "queued",
    );
    const { status, json } = await steer(queued, "cancel");
    expect(status).toBe(200);
    expect(json).toMatchObject({ state: "cancelled", attempt: 0 });
    expect((await steer(running, "cancel")).status).toBe(200);
  });

  it("404 for an unknown run", async () => {
    expect((await steer("01ARZ3NDEKTSV4RRFFQ69G5FAV", "cancel")).status).toBe(404);
  });
});

describe("POST /api/runs/:id/retry", () => {
  it("queues a new run of the same event and pipeline, linked to the original", async () => {
    const [original = ""] = await pushToHub(pushgate.url, `${ns}/pass`, "v1");
    const first = await waitForRun(pushgate.url, original);
    expect(first.state).toBe("passed");

    const response = await fetch(`${pushgate.url}/api/runs/${original}/retry`, {
      method: "POST",
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    expect(response.status).toBe(202);
    const retried = (await response.json()) as Record<string, unknown>;
    expect(response.headers.get("location")).toBe(`/api/runs/${String(retried.id)}`);
    expect(retried).toMatchObject({ pipeline: "quick", retryOf: original, attempt: 0 });
    expect(retried.id).not.toBe(original);
    expect(retried.event).toEqual(
      (await getJson(`${pushgate.url}/api/runs/${original}`, API_TOKEN)).json.event,
    );

    const rerun = await waitForRun(pushgate.url, String(retried.id));
    expect(rerun).toMatchObject({ state: "passed", attempt: 1 });
    const unchanged = await getJson(`${pushgate.url}/api/runs/${original}`, API_TOKEN);
    expect(unchanged.json).toMatchObject({ state: "passed", retryOf: null });
  });

  it("409 for a run that has not finished, 404 for an unknown one", async () => {
    const [id = ""] = await pushToHub(pushgate.url, `${ns}/long`, "v1");
    const { status, json } = await steer(id, "retry");
    expect(status).toBe(409);
    expect(json).toMatchObject({ error: "run_not_finished" });
    expect((await steer(id, "cancel")).status).toBe(200);
    expect((await steer("01ARZ3NDEKTSV4RRFFQ69G5FAV", "retry")).status).toBe(404);
  });
});

describe("GET /api/runs/:id/log?follow=1", () => {
  it("streams lines while the test is still running, then the final state", async () => {
    const [id = ""] = await pushToHub(pushgate.url, `${ns}/talk`, "v1");
    const stream = await openEventStream(`${pushgate.url}/api/runs/${id}/log?follow=1`, API_TOKEN);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    const events: ReceivedEvent[] = [];
    let stateWhenFirstLine: unknown;
    for (let event = await stream.next(); event; event = await stream.next()) {
      events.push(event);
      if (event.event === "output" && String(event.data.text).includes("first line")) {
        stateWhenFirstLine = (await getJson(`${pushgate.url}/api/runs/${id}`, API_TOKEN)).json
          .state;
      }
    }
    const output = events.filter((e) => e.event === "output");
    const text = output.map((e) => String(e.data.text)).join("");
    expect(text).toBe("first line\nsecond line\n");
    // The state comes before the output it produced.
    expect(events[0]?.event).toBe("state");
    expect(stateWhenFirstLine).toBe("testing");
    const firstAt = output.find((e) => String(e.data.text).includes("first"))?.at ?? 0;
    const secondAt = output.find((e) => String(e.data.text).includes("second"))?.at ?? 0;
    expect(secondAt).toBeGreaterThan(firstAt);
    expect(output.find((e) => String(e.data.text).includes("second"))?.data.stream).toBe("stderr");
    expect(events.at(-1)).toMatchObject({ event: "end", data: { state: "passed", exitCode: 0 } });
    expect(events.filter((e) => e.event === "state").map((e) => e.data.state)).toContain("testing");
  });

  it("for a finished run, sends the stored output and the end at once", async () => {
    const [id = ""] = await pushToHub(pushgate.url, `${ns}/pass`, "v1");
    await waitForRun(pushgate.url, id);
    const stream = await openEventStream(`${pushgate.url}/api/runs/${id}/log?follow=1`, API_TOKEN);
    const events: ReceivedEvent[] = [];
    for (let event = await stream.next(); event; event = await stream.next()) events.push(event);
    expect(events.map((e) => e.event)).toEqual(["output", "end"]);
    expect(events[0]?.data).toEqual({ stream: "stdout", text: "passed\n" });
    expect(events[1]?.data).toEqual({ state: "passed", reason: null, exitCode: 0 });
  });
});
