import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestImage } from "../support/build-test-image.js";
import { sharedRegistry } from "../support/registry.js";
import { pushToHub, runLogText, waitForRun } from "../support/runs.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { startTlsEngine, type TlsEngine } from "../support/tls-engine.js";

// A remote engine over TLS: a real dockerd of its own, --tlsverify on a loopback port.
const ns = `tls-${randomBytes(4).toString("hex")}`;
let engine: TlsEngine;
const started: TestPushgate[] = [];

const pushgateWith = async (tls: string, env: Record<string, string> = {}) => {
  const pushgate = await startTestPushgate(
    `registries: [{ host: docker.io, mirror: "${sharedRegistry()}" }]
docker: { ${tls} callTimeout: 10s, pullTimeout: 60s }
pipelines: [{ name: t, match: { repository: "${ns}/*" }, test: { timeout: 30s } }]
`,
    { executeRuns: true, env },
  );
  started.push(pushgate);
  return pushgate;
};

beforeAll(async () => {
  [engine] = await Promise.all([
    startTlsEngine(),
    buildTestImage({
      reference: `${sharedRegistry()}/${ns}/app:v1`,
      lines: ['CMD ["sh", "-c", "echo tested over TLS"]'],
    }),
  ]);
}, 120_000);
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop({ graceMs: 0 })));
  await engine?.stop();
});

describe("an engine that asks for TLS client certificates (--tlsverify)", () => {
  it("runs a test through it with docker.tls", async () => {
    const dir = engine.certDir;
    const pushgate = await pushgateWith(
      `host: "${engine.host}", tls: { ca: ${join(dir, "ca.pem")}, cert: ${join(dir, "cert.pem")}, key: ${join(dir, "key.pem")} },`,
    );
    const ready = await fetch(`${pushgate.url}/readyz`);
    expect(ready.status).toBe(200);
    const [id = ""] = await pushToHub(pushgate.url, `${ns}/app`, "v1");
    expect(await waitForRun(pushgate.url, id)).toMatchObject({ state: "passed", exitCode: 0 });
    expect((await runLogText(pushgate.url, id)).text).toBe("tested over TLS\n");
  });

  it("reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH as the docker CLI does", async () => {
    const pushgate = await pushgateWith("", {
      DOCKER_HOST: engine.host,
      DOCKER_TLS_VERIFY: "1",
      DOCKER_CERT_PATH: engine.certDir,
    });
    expect(pushgate.config.docker.host).toBe(engine.host);
    expect((await fetch(`${pushgate.url}/readyz`)).status).toBe(200);
  });

  it("fails with a clear reason without the client certificate", async () => {
    const pushgate = await pushgateWith(
      `host: "${engine.host}", tls: { ca: ${join(engine.certDir, "ca.pem")} },`,
    );
    const ready = await fetch(`${pushgate.url}/readyz`);
    expect(ready.status).toBe(503);
    const { checks } = (await ready.json()) as { checks: { docker: string } };
    const [id = ""] = await pushToHub(pushgate.url, `${ns}/app`, "v1");
    const run = await waitForRun(pushgate.url, id);
    const reason = `TLS with Docker at ${engine.host} failed: the engine refused pushgate's client certificate (it runs with --tlsverify: set docker.tls.cert and key to a certificate its CA signed)`;
    expect(checks.docker).toBe(reason);
    expect(run).toMatchObject({ state: "errored", reason });
  });
});
