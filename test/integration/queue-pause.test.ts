import { randomBytes } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildTestImage } from "../support/build-test-image.js";
import { getJson, post } from "../support/http.js";
import { sharedRegistry } from "../support/registry.js";
import { pushToHub, waitForRun } from "../support/runs.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { API_TOKEN, tempDir } from "../support/test-config.js";

// Pausing the queue for engine maintenance: pushes are still accepted, no test starts, and
// the pause outlasts a restart until it is resumed.
const ns = `pause-${randomBytes(4).toString("hex")}`;
const running: TestPushgate[] = [];

beforeAll(async () => {
  await buildTestImage({
    reference: `${sharedRegistry()}/${ns}/pass:v1`,
    lines: ['CMD ["sh", "-c", "echo passed"]'],
  });
}, 120_000);
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop({ graceMs: 0 })));
});

async function start(dir: string): Promise<TestPushgate> {
  const pushgate = await startTestPushgate(
    `registries: [{ host: docker.io, mirror: "${sharedRegistry()}" }]
pipelines: [{ name: quick, match: { repository: "${ns}/pass" } }]`,
    { dir, executeRuns: true },
  );
  running.push(pushgate);
  return pushgate;
}

const queue = (url: string, change?: "pause" | "resume", token = API_TOKEN) =>
  change
    ? post(`${url}/api/queue/${change}`, "", { authorization: `Bearer ${token}` })
    : getJson(`${url}/api/queue`, token);
const stateOf = async (url: string, id: string) =>
  (await getJson(`${url}/api/runs/${id}`, API_TOKEN)).json.state;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("pausing the queue", () => {
  it("accepts and queues pushes but starts no test, across a restart, until resumed", async () => {
    const dir = tempDir();
    const first = await start(dir);
    expect(await queue(first.url, "pause")).toMatchObject({
      status: 200,
      json: { paused: true, queued: 0, executing: 0 },
    });
    const [id = ""] = await pushToHub(first.url, `${ns}/pass`, "v1");
    // Unpaused, this run is picked within milliseconds; paused, it must still wait.
    await sleep(2000);
    expect(await stateOf(first.url, id)).toBe("queued");
    expect((await queue(first.url)).json).toEqual({ paused: true, queued: 1, executing: 0 });
    await first.stop({ graceMs: 0 });

    const second = await start(dir);
    expect((await queue(second.url)).json).toMatchObject({ paused: true, queued: 1 });
    await sleep(2000);
    expect(await stateOf(second.url, id)).toBe("queued");

    expect(await queue(second.url, "resume")).toMatchObject({
      status: 200,
      json: { paused: false },
    });
    expect(await waitForRun(second.url, id)).toMatchObject({ state: "passed", attempt: 1 });
    expect((await queue(second.url)).json).toEqual({ paused: false, queued: 0, executing: 0 });
  });

  it("needs the API token", async () => {
    const pushgate = await start(tempDir());
    expect((await queue(pushgate.url, "pause", "wrong-token")).status).toBe(403);
    expect((await post(`${pushgate.url}/api/queue/pause`, "", {})).status).toBe(401);
    expect((await queue(pushgate.url)).json).toMatchObject({ paused: false });
  });
});
