import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkConfig } from "../../src/cli/check-config.js";
import type { Config } from "../../src/config/config.js";
import { loadConfig } from "../../src/config/load-config.js";
import { startPushgate, type RunningPushgate } from "../../src/pushgate.js";
import { pushAs } from "../support/build-test-image.js";
import { docker } from "../support/docker-cli.js";
import { engineEventsOf, instanceIdOf, recordInstance } from "../support/docker-objects.js";
import { baseImage, sharedRegistry } from "../support/registry.js";
import { pushToHub, runLogText, waitForRun } from "../support/runs.js";
import { API_TOKEN, tempDir, WEBHOOK_TOKEN } from "../support/test-config.js";

// examples/autotest, as docs/autotest.md tells a user to run it: the image built from its
// Dockerfile (on the local busybox base, Docker Hub being out of reach), pushed, and tested
// by its own docker-compose.test.yml under the example's pipeline.
const EXAMPLE = fileURLToPath(new URL("../../examples/autotest", import.meta.url));
const ns = `example-${randomBytes(4).toString("hex")}`;
const ENV = { PUSHGATE_WEBHOOK_TOKEN: WEBHOOK_TOKEN, PUSHGATE_API_TOKEN: API_TOKEN };
let pushgate: RunningPushgate;

beforeAll(async () => {
  const local = `pushgate-example-autotest:${ns}`;
  await docker([
    "build",
    "-q",
    "--network=none",
    "--build-arg",
    `BASE=${baseImage()}`,
    "--build-arg",
    "REVISION=4f2c1e9",
    "-t",
    local,
    EXAMPLE,
  ]);
  await pushAs(local, `${sharedRegistry()}/${ns}/hello:latest`);
  await docker(["rmi", local]);

  // The example's pipeline as written; only where pushgate listens, keeps its store and pulls
  // from, and the repository, are this machine's.
  const example = loadConfig(join(EXAMPLE, "pushgate.yml"), ENV);
  const dir = tempDir();
  const config: Config = {
    ...example,
    listen: { host: "127.0.0.1", port: 0 },
    store: { path: join(dir, "pushgate.db"), leaseMs: 30_000, retention: {} },
    registries: [{ host: "docker.io", mirror: sharedRegistry(), insecure: false, aliases: [] }],
    pipelines: example.pipelines.map((pipeline) => ({
      ...pipeline,
      match: { ...pipeline.match, repositories: [`${ns}/hello`] },
    })),
  };
  pushgate = await startPushgate(config, { logStream: new PassThrough() });
  recordInstance(instanceIdOf(join(dir, "pushgate.db")));
}, 120_000);
afterAll(async () => {
  await pushgate?.stop();
});

describe("examples/autotest", () => {
  it("passes check-config as written", async () => {
    let stdout = "";
    const code = await checkConfig([join(EXAMPLE, "pushgate.yml"), "acme/hello:latest"], ENV, {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => undefined },
    });
    expect(code).toBe(0);
    expect(stdout).toContain("acme/hello:latest → hello");
  });

  it("runs its own docker-compose.test.yml against the pushed digest and passes", async () => {
    const since = new Date();
    const [id = ""] = await pushToHub(pushgate.url, `${ns}/hello`, "latest");
    const run = await waitForRun(pushgate.url, id);
    const log = (await runLogText(pushgate.url, id)).text;
    expect(run, log).toMatchObject({ state: "passed", exitCode: 0 });
    expect(log).toBe(`testing ${ns}/hello:latest (commit 4f2c1e9)\nok: web answers hello\n`);
    const created = (await engineEventsOf(id, since)).filter((e) => e.Action === "create");
    const services = created.map((e) => e.Actor.Attributes["pushgate.compose.service"]);
    expect(services.filter(Boolean).sort()).toEqual(["sut", "web"]);
  });
});
