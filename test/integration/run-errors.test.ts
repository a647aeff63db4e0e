import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import bcrypt from "bcryptjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestImage, removeLocalImage } from "../support/build-test-image.js";
import { getJson } from "../support/http.js";
import { sharedRegistry, startRegistry, type TestRegistry } from "../support/registry.js";
import { pushToHub, runLogText, waitForRun } from "../support/runs.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";

const exec = promisify(execFile);
const ns = `runner-${randomBytes(4).toString("hex")}`;
const started: TestPushgate[] = [];
const registries: TestRegistry[] = [];

/** pushgate pulling docker.io images from `mirror`, with the given credentials. */
async function pushgateFor(mirror: string, extra = ""): Promise<TestPushgate> {
  const pushgate = await startTestPushgate(
    `
registries: [{ host: docker.io, mirror: "${mirror}"${extra} }]
docker: { pullTimeout: 30s }
pipelines:
  - { name: t, match: { repository: ["${ns}/*", "${ns}-official"] }, test: { timeout: 30s } }
`,
    { executeRuns: true },
  );
  started.push(pushgate);
  return pushgate;
}

const runOf = async (pushgate: TestPushgate, repo: string, tag: string) => {
  const [id] = await pushToHub(pushgate.url, repo, tag);
  return waitForRun(pushgate.url, id ?? "");
};

const PASS = ['CMD ["sh", "-c", "echo ok"]'];

beforeAll(async () => {
  await Promise.all([
    buildTestImage({ reference: `${sharedRegistry()}/${ns}/app:v1`, lines: PASS }),
    buildTestImage({ reference: `${sharedRegistry()}/library/${ns}-official:1.0`, lines: PASS }),
  ]);
}, 120_000);
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  await Promise.all(registries.map((r) => r.destroy()));
});

describe("pulling through a mirror", () => {
  it("pulls a docker.io official image as <mirror>/library/<name>", async () => {
    const pushgate = await pushgateFor(sharedRegistry());
    const run = await runOf(pushgate, `${ns}-official`, "1.0");
    expect(run.state).toBe("passed");
    expect(run.imageDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
  });

  it("errors a run whose tag the registry does not know, saying so", async () => {
    const pushgate = await pushgateFor(sharedRegistry());
    const run = await runOf(pushgate, `${ns}/app`, "v404");
    expect(run.state).toBe("errored");
    expect(run.reason).toMatch(
      new RegExp(`^image not found: ${sharedRegistry()}/${ns}/app:v404 \\(.*manifest unknown`),
    );
    // Its log is never blank: the reason is what there is to read.
    const log = await runLogText(pushgate.url, run.id);
    expect(log.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(log.text).toBe(`[pushgate: errored: ${run.reason}]\n`);
  });
});

describe("a registry that is down or refuses the credentials", () => {
  it("errors the run while the registry is stopped, then passes once it is back", async () => {
    const registry = await startRegistry();
    registries.push(registry);
    await buildTestImage({ reference: `${registry.host}/${ns}/app:v1`, lines: PASS });
    const pushgate = await pushgateFor(registry.host);
    await registry.stop();
    const down = await runOf(pushgate, `${ns}/app`, "v1");
    expect(down.state).toBe("errored");
    expect(down.reason).toMatch(/^registry unreachable for .*connection refused/);
    expect((await getJson(`${pushgate.url}/healthz`)).status).toBe(200);
    await registry.start();
    expect((await runOf(pushgate, `${ns}/app`, "v1")).state).toBe("passed");
  });

  it("pulls with the configured credentials, and errors clearly with wrong ones", async () => {
    const registry = await startRegistry({
      htpasswd: `bot:${bcrypt.hashSync("right-password", 8)}\n`,
    });
    registries.push(registry);
    const reference = `${registry.host}/${ns}/private:v1`;
    await buildTestImage({ reference, lines: PASS, push: false });
    // A docker config of its own: the machine's ~/.docker stays untouched.
    const config = mkdtempSync(join(tmpdir(), "pushgate-docker-config-"));
    try {
      await exec("sh", [
        "-c",
        `echo right-password | docker --config "$1" login -u bot --password-stdin "$2" >/dev/null && docker --config "$1" push -q "$3" >/dev/null`,
        "login-and-push",
        config,
        registry.host,
        reference,
      ]);
    } finally {
      rmSync(config, { recursive: true, force: true });
      await removeLocalImage(reference);
    }
    const good = await pushgateFor(registry.host, ", username: bot, password: right-password");
    expect((await runOf(good, `${ns}/private`, "v1")).state).toBe("passed");
    const bad = await pushgateFor(registry.host, ", username: bot, password: wrong-password");
    const run = await runOf(bad, `${ns}/private`, "v1");
    expect(run.state).toBe("errored");
    expect(run.reason).toMatch(/^registry refused access to .*private:v1 \(check registries/);
    expect(bad.logLines.join("\n")).not.toContain("wrong-password");
  });
});

describe("a Docker engine that does not answer", () => {
  it("errors the run naming the engine, and pushgate keeps serving", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pushgate-nodocker-"));
    const pushgate = await startTestPushgate(
      `
docker: { host: "unix://${dir}/docker.sock" }
pipelines: [{ name: t, match: { repository: "${ns}/*" } }]
`,
      { executeRuns: true },
    );
    started.push(pushgate);
    const run = await runOf(pushgate, `${ns}/app`, "v1");
    expect(run.state).toBe("errored");
    expect(run.reason).toBe(`Docker unreachable at unix://${dir}/docker.sock (ENOENT)`);
    expect((await runOf(pushgate, `${ns}/app`, "v2")).state).toBe("errored");
    expect((await getJson(`${pushgate.url}/healthz`)).status).toBe(200);
  });
});
