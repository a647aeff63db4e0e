import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildTestImage } from "../support/build-test-image.js";
import { containersWith, networksWith, volumesWith } from "../support/docker-objects.js";
import { post } from "../support/http.js";
import { fileLines } from "../support/image-file-lines.js";
import { sharedRegistry } from "../support/registry.js";
import { finalStateLines, pushToHub, waitForRun } from "../support/runs.js";
import { spawnPushgate, type SpawnedPushgate } from "../support/spawn-pushgate.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { API_TOKEN, tempDir, testConfigYaml } from "../support/test-config.js";
import { waitFor } from "../support/wait-for.js";

// A compose test's containers, network and volumes are gone when a cancel is answered, and
// after a SIGKILL, once pushgate starts again; the run then completes once.
const ns = `compose-life-${randomBytes(4).toString("hex")}`;
const processes: SpawnedPushgate[] = [];
let inProcess: TestPushgate;

/** sut waits for its service, then sleeps: long enough to be killed or cancelled midway. */
const FILE = `services:
  sut:
    build: .
    command: ["sh", "-c", "nc db 5432 </dev/null; sleep \${SUT_SECONDS:-4}; echo sut done"]
    depends_on:
      db: { condition: service_healthy }
  db:
    image: \${IMAGE_NAME}
    command: ["sh", "-c", "touch /data/ready; while true; do echo pong | nc -l -p 5432; done"]
    healthcheck: { test: "test -f /data/ready", interval: 200ms }
    volumes: [data:/data, /scratch]
volumes:
  data:
`;

const pipelines = (registry: string) => `registries: [{ host: docker.io, mirror: "${registry}" }]
pipelines:
  - name: life
    match: { repository: "${ns}/app" }
    test: { timeout: 60s, env: { SUT_SECONDS: "4" } }
  - name: long
    match: { repository: "${ns}/long" }
    test: { timeout: 60s, env: { SUT_SECONDS: "60" } }
`;

beforeAll(async () => {
  const registry = sharedRegistry();
  const lines = [...fileLines("/t/test.yml", FILE), "LABEL pushgate.test.compose=/t/test.yml"];
  await buildTestImage({ reference: `${registry}/${ns}/app:v1`, lines });
  await buildTestImage({ reference: `${registry}/${ns}/long:v1`, lines });
  inProcess = await startTestPushgate(pipelines(registry), { executeRuns: true });
}, 120_000);
afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.kill("SIGTERM")));
});
afterAll(async () => {
  await inProcess?.stop();
});

/** What the engine holds of a run. */
async function leftOf(id: string): Promise<string[]> {
  const label = `pushgate.run=${id}`;
  return [
    ...(await containersWith(label)),
    ...(await networksWith(label)),
    ...(await volumesWith(label)),
  ];
}

/** Waits until sut runs: two containers, a network and two volumes exist. */
const testRunning = (id: string) =>
  waitFor(`the compose test of ${id} to run`, async () =>
    (await leftOf(id)).length === 5 ? true : undefined,
  );

describe("a compose test cancelled midway", () => {
  it("has no container, network or volume left when the cancel is answered", async () => {
    const [id = ""] = await pushToHub(inProcess.url, `${ns}/long`, "v1");
    await testRunning(id);
    const { status, json } = await post(`${inProcess.url}/api/runs/${id}/cancel`, "", {
      authorization: `Bearer ${API_TOKEN}`,
    });
    expect(status).toBe(200);
    expect(json.state).toBe("cancelled");
    expect(await leftOf(id)).toEqual([]);
  });
});

describe("SIGKILL during a compose test, then a restart", () => {
  it("reaps everything the test left and completes the run once", async () => {
    const dir = tempDir();
    const yaml = testConfigYaml(dir, pipelines(sharedRegistry()));
    const first = await spawnPushgate(dir, yaml);
    processes.push(first);
    const [id = ""] = await pushToHub(first.url, `${ns}/app`, "v1");
    await testRunning(id);
    await first.kill("SIGKILL");
    // Nothing ran to clean up: the test's objects outlive the process.
    expect(await leftOf(id)).toHaveLength(5);

    const second = await spawnPushgate(dir, yaml);
    processes.push(second);
    const run = await waitForRun(second.url, id);
    expect(run).toMatchObject({ state: "passed", attempt: 2, exitCode: 0 });
    expect(await leftOf(id)).toEqual([]);
    expect(finalStateLines([...first.output, ...second.output], id)).toHaveLength(1);
  });
});
