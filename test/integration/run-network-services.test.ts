import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:net";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestImage } from "../support/build-test-image.js";
import { containersWith, networksWith } from "../support/docker-objects.js";
import { sharedRegistry } from "../support/registry.js";
import { pushToHub, runLogText, waitForRun } from "../support/runs.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";

const ns = `runner-${randomBytes(4).toString("hex")}`;
let pushgate: TestPushgate;
let server: Server;
/** A TCP server on the host, reachable from containers on Docker's default bridge. */
let outside: string;

const argv = (script: string) => JSON.stringify(["sh", "-c", script]);

/** The host's address on Docker's default bridge: its gateway, else the subnet's first host. */
async function bridgeGateway(): Promise<string> {
  const { stdout } = await promisify(execFile)("docker", [
    "network",
    "inspect",
    "bridge",
    "--format",
    "{{range .IPAM.Config}}{{.Gateway}}|{{.Subnet}}{{end}}",
  ]);
  const [gateway, subnet = ""] = stdout.trim().split("|");
  if (gateway) return gateway;
  const [a, b, c, d] = (subnet.split("/")[0] ?? "").split(".").map(Number);
  return `${a}.${b}.${c}.${(d ?? 0) + 1}`;
}

beforeAll(async () => {
  const registry = sharedRegistry();
  server = createServer((socket) => socket.end("hello from outside\n"));
  await new Promise<void>((resolve) => server.listen(0, "0.0.0.0", resolve));
  const gateway = await bridgeGateway();
  const address = server.address();
  outside = `${gateway} ${typeof address === "object" && address ? address.port : 0}`;
  const tags = ["none", "bridge", "tcp", "log", "never", "crash", "nocat"];
  await Promise.all([
    ...[`db:v1`, ...tags.map((tag) => `probe:${tag}`)].map((image) =>
      buildTestImage({ reference: `${registry}/${ns}/${image}`, lines: ['CMD ["true"]'] }),
    ),
    buildTestImage({ reference: `${registry}/${ns}/nocat:v1`, lines: ["RUN rm /bin/cat"] }),
  ]);
  const db = `${registry}/${ns}/db:v1`;
  const pong = argv("while true; do echo pong | nc -l -p 5432; done");
  pushgate = await startTestPushgate(
    `
registries: [{ host: docker.io, mirror: "${registry}" }]
docker: { concurrency: 2 }
pipelines:
  - name: no-network
    match: { repository: "${ns}/probe", tags: ["none"] }
    test: { command: ${argv(`nc -w 3 ${outside} </dev/null`)} }
  - name: bridge
    match: { repository: "${ns}/probe", tags: ["bridge"] }
    test: { command: ${argv(`nc -w 3 ${outside} </dev/null`)}, network: bridge }
  - name: tcp-service
    match: { repository: "${ns}/probe", tags: ["tcp"] }
    test:
      command: ${argv(`nc db 5432 </dev/null && ! nc -w 3 ${outside} </dev/null`)}
      services:
        - { name: db, image: "${db}", command: ${pong}, wait: { tcp: 5432 }, timeout: 20s }
  - name: log-service
    match: { repository: "${ns}/probe", tags: ["log"] }
    test:
      command: ${argv("nc cache 6379 </dev/null")}
      services:
        - name: cache
          image: "${db}"
          command: ${argv("sleep 1; echo Ready to accept connections; while true; do echo PONG | nc -l -p 6379; done")}
          wait: { log: "^Ready to accept" }
          timeout: 20s
  - name: never-ready
    match: { repository: "${ns}/probe", tags: ["never"] }
    test:
      command: ["true"]
      services:
        - { name: db, image: "${db}", command: ${argv("echo starting; sleep 60")}, wait: { tcp: 5432 }, timeout: 1s }
  - name: no-cat
    match: { repository: "${ns}/probe", tags: ["nocat"] }
    test:
      command: ["true"]
      services:
        - name: db
          image: "${registry}/${ns}/nocat:v1"
          command: ${argv("while true; do echo pong | nc -l -p 5432; done")}
          wait: { tcp: 5432 }
  - name: crashing
    match: { repository: "${ns}/probe", tags: ["crash"] }
    test:
      command: ["true"]
      services:
        - { name: db, image: "${db}", command: ${argv("echo boom >&2; exit 1")}, wait: { tcp: 5432 } }
`,
    { executeRuns: true },
  );
}, 120_000);
afterAll(async () => {
  await pushgate?.stop();
  server?.close();
});

const runOf = async (tag: string) => {
  const [id = ""] = await pushToHub(pushgate.url, `${ns}/probe`, tag);
  return { id, run: await waitForRun(pushgate.url, id) };
};

describe("the test container's network", () => {
  it("has none by default: a test reaching out fails", async () => {
    const { id, run } = await runOf("none");
    expect(run).toMatchObject({ state: "failed", exitCode: 1 });
    expect((await runLogText(pushgate.url, id)).text).toMatch(/Network is unreachable/);
  });

  it("reaches out when the pipeline names a network (so the probe above can succeed)", async () => {
    const { id, run } = await runOf("bridge");
    expect(run.state).toBe("passed");
    expect((await runLogText(pushgate.url, id)).text).toBe("hello from outside\n");
  });
});

describe("service containers", () => {
  it("are reachable by name once ready, with no way out, and removed after", async () => {
    const [id = ""] = await pushToHub(pushgate.url, `${ns}/probe`, "tcp");
    let networks: string[] = [];
    const deadline = Date.now() + 30_000;
    while (networks.length === 0 && Date.now() < deadline) {
      networks = await networksWith(`pushgate.run=${id}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(networks).toHaveLength(1);
    const run = await waitForRun(pushgate.url, id);
    const log = (await runLogText(pushgate.url, id)).text;
    expect(run.state, log).toBe("passed");
    expect(run.steps.services?.ms).toBeGreaterThanOrEqual(0);
    // "pong" from the service, then nc's complaint about the host it could not reach.
    expect(log).toMatch(/^pong\nnc: /);
    expect(await containersWith(`pushgate.run=${id}`)).toEqual([]);
    expect(await networksWith(`pushgate.run=${id}`)).toEqual([]);
  });

  it("can be waited for by a log line", async () => {
    const { id, run } = await runOf("log");
    expect(run.state).toBe("passed");
    expect((await runLogText(pushgate.url, id)).text).toBe("PONG\n");
  });

  it("error the run when one is never ready, keeping its log, and are removed", async () => {
    const { id, run } = await runOf("never");
    expect(run).toMatchObject({
      state: "errored",
      reason: "service db was not ready within 1s (wait: tcp 5432)",
    });
    expect((await runLogText(pushgate.url, id)).text).toBe(
      "[service db] starting\n[pushgate: errored: service db was not ready within 1s (wait: tcp 5432)]\n",
    );
    expect(await containersWith(`pushgate.run=${id}`)).toEqual([]);
    expect(await networksWith(`pushgate.run=${id}`)).toEqual([]);
  });

  it("say so when a TCP wait cannot be checked in the service's image", async () => {
    const { run } = await runOf("nocat");
    expect(run).toMatchObject({
      state: "errored",
      reason: "service db cannot be checked on tcp 5432: its image has no cat; use wait: { log }",
    });
  });

  it("error the run when one exits before it is ready", async () => {
    const { id, run } = await runOf("crash");
    expect(run).toMatchObject({
      state: "errored",
      reason: "service db exited with code 1 before it was ready",
    });
    expect((await runLogText(pushgate.url, id)).text).toBe(
      "[service db] boom\n[pushgate: errored: service db exited with code 1 before it was ready]\n",
    );
  });
});
