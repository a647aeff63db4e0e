import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildTestImage } from "../support/build-test-image.js";
import { sharedRegistry } from "../support/registry.js";
import { pushToHub, runLogText, waitForRun } from "../support/runs.js";
import { spawnPushgate, type SpawnedPushgate } from "../support/spawn-pushgate.js";
import {
  startSilentEngine,
  startStallingProxy,
  type StallingEngine,
} from "../support/stalling-engine.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { tempDir, testConfigYaml } from "../support/test-config.js";

// docker.callTimeout: an engine that takes a request and never answers it.
const ns = `deadline-${randomBytes(4).toString("hex")}`;
const engines: StallingEngine[] = [];
const pushgates: TestPushgate[] = [];
const processes: SpawnedPushgate[] = [];

const settings = (
  host: string,
  extra = "",
) => `registries: [{ host: docker.io, mirror: "${sharedRegistry()}" }]
docker: { host: "${host}", callTimeout: 1s, pullTimeout: 60s, concurrency: 1 }
pipelines: [{ name: t, match: { repository: "${ns}/*" }, test: { timeout: 30s } }]
${extra}`;

beforeAll(async () => {
  await Promise.all([
    buildTestImage({
      reference: `${sharedRegistry()}/${ns}/app:v1`,
      lines: ['CMD ["echo", "ok"]'],
    }),
    buildTestImage({
      reference: `${sharedRegistry()}/${ns}/slow:v1`,
      lines: ['CMD ["sh", "-c", "echo early; sleep 2; echo late"]'],
    }),
  ]);
}, 120_000);
afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.kill("SIGKILL")));
});
afterAll(async () => {
  await Promise.all(pushgates.map((p) => p.stop({ graceMs: 0 })));
  await Promise.all(engines.map((e) => e.close()));
});

describe("docker.callTimeout on an engine that answers", () => {
  it("bounds calls, not the test: a test longer than it passes with all its output", async () => {
    const pushgate = await startTestPushgate(settings("unix:///var/run/docker.sock"), {
      executeRuns: true,
    });
    pushgates.push(pushgate);
    const [id = ""] = await pushToHub(pushgate.url, `${ns}/slow`, "v1");
    expect(await waitForRun(pushgate.url, id)).toMatchObject({ state: "passed" });
    expect((await runLogText(pushgate.url, id)).text).toBe("early\nlate\n");
  });
});

describe("a Docker call the engine never answers", () => {
  it("ends the run errored after docker.callTimeout, naming the call and the engine, and frees its slot", async () => {
    // The real engine, except that creating a container gets no answer.
    const engine = await startStallingProxy(
      (method, path) => method === "POST" && path === "/containers/create",
    );
    engines.push(engine);
    const pushgate = await startTestPushgate(settings(engine.host), { executeRuns: true });
    pushgates.push(pushgate);
    const [first = ""] = await pushToHub(pushgate.url, `${ns}/app`, "v1");
    const [second = ""] = await pushToHub(pushgate.url, `${ns}/app`, "v1");
    const reason = `Docker at ${engine.host} did not answer create test container within 1s (docker.callTimeout)`;
    const ended = await waitForRun(pushgate.url, first);
    expect(ended).toMatchObject({ state: "errored", reason });
    // One test at a time (docker.concurrency 1): the second could only start once the first
    // gave its slot back.
    expect(await waitForRun(pushgate.url, second)).toMatchObject({ state: "errored", reason });
    expect(engine.stalled.filter((r) => r === "POST /containers/create")).toHaveLength(2);
    const pulled = ended.steps.pull?.ms ?? 0;
    const whole =
      Date.parse(ended.steps.test?.finishedAt ?? "") -
      Date.parse(ended.steps.pull?.startedAt ?? "");
    expect(whole - pulled).toBeLessThan(5000);
  });

  it("answers /readyz 503 within its own timeout, and SIGTERM exits within the grace", async () => {
    const engine = await startSilentEngine();
    engines.push(engine);
    const dir = tempDir();
    const pushgate = await spawnPushgate(
      dir,
      testConfigYaml(dir, settings(engine.host, "shutdown: { grace: 2s }")),
    );
    processes.push(pushgate);

    const asked = Date.now();
    const ready = await fetch(`${pushgate.url}/readyz`);
    expect(Date.now() - asked).toBeLessThan(4500);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: { docker: string } }).checks.docker).toBe(
      `Docker at ${engine.host} did not answer within 3s`,
    );

    // A run is being pulled (the pull gets no answer either) when SIGTERM comes.
    const [id = ""] = await pushToHub(pushgate.url, `${ns}/app`, "v1");
    await waitForRun(pushgate.url, id, ["pulling"]);
    const signalled = Date.now();
    expect(await pushgate.kill("SIGTERM")).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(2000 + 3000);
    // Reaping leftovers at start-up gave up on the engine after docker.callTimeout, saying so.
    expect(pushgate.output.join("\n")).toContain(
      `Docker at ${engine.host} did not answer list containers within 1s (docker.callTimeout)`,
    );
    expect(pushgate.output.at(-1)).toContain('"message":"stopped"');
  });
});
