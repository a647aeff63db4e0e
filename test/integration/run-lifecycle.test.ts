import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readStore } from "../support/open-store.js";
import { buildTestImage } from "../support/build-test-image.js";
import { containersWith, networksWith } from "../support/docker-objects.js";
import { baseImage, sharedRegistry } from "../support/registry.js";
import { pushToHub, waitForRun } from "../support/runs.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { tempDir } from "../support/test-config.js";

const exec = promisify(execFile);
const ns = `runner-${randomBytes(4).toString("hex")}`;
const started: TestPushgate[] = [];

const config = () => `
registries: [{ host: docker.io, mirror: "${sharedRegistry()}" }]
pipelines:
  - { name: slow, match: { repository: "${ns}/sleep30" }, test: { timeout: 2s } }
  - { name: short, match: { repository: "${ns}/sleep3" }, test: { timeout: 30s } }
`;

async function start(dir = tempDir()): Promise<TestPushgate> {
  const pushgate = await startTestPushgate(config(), { dir, executeRuns: true });
  started.push(pushgate);
  return pushgate;
}

/** Polls until the run's containers are `present` (or gone); returns when that was seen. */
async function containersUntil(runId: string, present: boolean): Promise<number> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if ((await containersWith(`pushgate.run=${runId}`)).length > 0 === present) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`containers of ${runId} never ${present ? "appeared" : "went"}`);
}

beforeAll(async () => {
  await Promise.all([
    buildTestImage({
      reference: `${sharedRegistry()}/${ns}/sleep30:v1`,
      lines: ['CMD ["sleep", "30"]'],
    }),
    buildTestImage({
      reference: `${sharedRegistry()}/${ns}/sleep3:v1`,
      lines: ['CMD ["sleep", "3"]'],
    }),
  ]);
}, 120_000);
afterAll(() => Promise.all(started.map((p) => p.stop())));

describe("the test timeout", () => {
  it("kills the container, which is gone within the timeout + 2 s, and fails the run", async () => {
    const pushgate = await start();
    const [id = ""] = await pushToHub(pushgate.url, `${ns}/sleep30`, "v1");
    const appeared = await containersUntil(id, true);
    const gone = await containersUntil(id, false);
    expect(gone - appeared).toBeLessThan(2000 + 2000);
    const run = await waitForRun(pushgate.url, id);
    expect(run).toMatchObject({ state: "failed", reason: "timeout after 2s", exitCode: null });
  });
});

describe("stopping pushgate mid-test", () => {
  it("removes the container, requeues the run, and runs it again after the restart", async () => {
    const dir = tempDir();
    const first = await start(dir);
    const [id = ""] = await pushToHub(first.url, `${ns}/sleep3`, "v1");
    await containersUntil(id, true);
    await first.stop({ graceMs: 0 });
    expect(await containersWith(`pushgate.run=${id}`)).toEqual([]);
    expect(await readStore(first.dbPath, (store) => store.getRun(id))).toMatchObject({
      state: "queued",
      attempt: 0,
      reason: "requeued: pushgate stopped while testing",
    });

    const second = await start(dir);
    const run = await waitForRun(second.url, id);
    expect(run).toMatchObject({ state: "passed", attempt: 1, reason: null });
  });
});

describe("the reaper at start-up", () => {
  it("removes this instance's leftovers and leaves another instance's alone", async () => {
    const dir = tempDir();
    const instance = await readStore(`${dir}/pushgate.db`, (store) => store.instanceId());
    const other = randomBytes(8).toString("hex");
    const label = (inst: string) => [
      "--label",
      `pushgate.instance=${inst}`,
      "--label",
      "pushgate.run=01LEFTOVER0000000000000000",
    ];
    const names = { mine: `${ns}-mine`, theirs: `${ns}-theirs`, net: `${ns}-net` };
    await exec("docker", ["create", "--name", names.mine, ...label(instance), baseImage(), "true"]);
    await exec("docker", ["create", "--name", names.theirs, ...label(other), baseImage(), "true"]);
    await exec("docker", ["network", "create", "--internal", ...label(instance), names.net]);
    try {
      const pushgate = await start(dir);
      const deadline = Date.now() + 15_000;
      while (
        !pushgate.logLines.some((l) => l.includes("reaped leftovers")) &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const line = pushgate.logLines.find((l) => l.includes("reaped leftovers")) ?? "{}";
      expect(JSON.parse(line)).toMatchObject({ containers: 1, networks: 1 });
      expect(await containersWith(`pushgate.instance=${instance}`)).toEqual([]);
      expect(await networksWith(`pushgate.instance=${instance}`)).toEqual([]);
      expect(await containersWith(`pushgate.instance=${other}`)).toHaveLength(1);
    } finally {
      await exec("docker", ["rm", "-f", names.theirs]);
    }
  });
});
