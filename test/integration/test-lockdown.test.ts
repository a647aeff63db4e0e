import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestImage } from "../support/build-test-image.js";
import { sharedRegistry } from "../support/registry.js";
import { pushToHub, runLogText, waitForRun } from "../support/runs.js";
import { runPushgateCommand } from "../support/spawn-pushgate.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { tempDir, testConfigYaml } from "../support/test-config.js";

// What runs pushed images: gVisor, read-only roots, another user, service capabilities.
const ns = `lockdown-${randomBytes(4).toString("hex")}`;
const argv = (script: string) => JSON.stringify(["sh", "-c", script]);
/** gVisor's own kernel, as its /proc/version says: not the host's. */
const GVISOR_KERNEL = "Linux version 4.4.0 #1 SMP Sun Jan 10 15:06:54 PST 2016";
let pushgate: TestPushgate;
/** A Compose test file whose every container reports its kernel, its user and its root. */
const composeDir = tempDir();
const REPORT =
  "cat /proc/version; id -u; echo x > /tmp/x && echo tmp-ok; echo y > /scratch/y || echo root-ro";
const COMPOSE = `services:
  sut:
    build: .
    command: ["sh", "-c", "${REPORT}; exit 1"]
    depends_on:
      db: { condition: service_completed_successfully }
  db:
    image: \${IMAGE_NAME}
    user: root
    command: ["sh", "-c", "${REPORT}"]
`;

const pipelines = `
  - name: gvisor
    match: { repository: "${ns}/app", tags: [gvisor] }
    test: { runtime: runsc, command: ["cat", "/proc/version"] }
  - name: nosuch
    match: { repository: "${ns}/app", tags: [nosuch] }
    test: { runtime: nosuch-runtime }
  - name: read-only
    match: { repository: "${ns}/app", tags: [ro] }
    test:
      readOnly: true
      command: ${argv("echo in-tmp > /tmp/t && cat /tmp/t && echo x > /etc/written")}
  - name: read-only-user
    match: { repository: "${ns}/app", tags: [ro-user] }
    test:
      readOnly: true
      user: "65534:65534"
      tmpfs: [/work]
      command: ${argv("id && echo a > /tmp/a && echo b > /work/b && cat /tmp/a /work/b")}
  - name: compose
    match: { repository: "${ns}/app", tags: [compose] }
    test:
      compose: "${join(composeDir, "lockdown.test.yml")}"
      runtime: runsc
      readOnly: true
      user: "65534:65534"
  - name: caps
    match: { repository: "${ns}/app", tags: [caps] }
    test:
      command: ${argv("wget -qO- http://plain:8000/caps; wget -qO- http://tuned:8000/caps")}
      services:
        - { name: plain, image: "${sharedRegistry()}/${ns}/capsd:v1", wait: { tcp: 8000 } }
        - name: tuned
          image: "${sharedRegistry()}/${ns}/capsd:v1"
          capAdd: [IPC_LOCK]
          capDrop: [MKNOD]
          wait: { tcp: 8000 }
`;

const runOf = async (tag: string) => {
  const [id = ""] = await pushToHub(pushgate.url, `${ns}/app`, tag);
  const run = await waitForRun(pushgate.url, id);
  return { ...run, output: (await runLogText(pushgate.url, id)).text };
};

beforeAll(async () => {
  const registry = sharedRegistry();
  await Promise.all([
    ...["gvisor", "nosuch", "ro", "ro-user", "caps"].map((tag) =>
      buildTestImage({ reference: `${registry}/${ns}/app:${tag}`, lines: ['CMD ["true"]'] }),
    ),
    // A folder anyone may write to: only a read-only root stops the write.
    buildTestImage({
      reference: `${registry}/${ns}/app:compose`,
      lines: ["RUN mkdir -m 777 /scratch"],
    }),
    // Serves its own effective capabilities, as /proc/self/status shows them inside it.
    buildTestImage({
      reference: `${registry}/${ns}/capsd:v1`,
      lines: [
        `CMD ${argv("mkdir -p /www && grep CapEff /proc/self/status > /www/caps && exec httpd -f -p 8000 -h /www")}`,
      ],
    }),
  ]);
  writeFileSync(join(composeDir, "lockdown.test.yml"), COMPOSE);
  pushgate = await startTestPushgate(
    `registries: [{ host: docker.io, mirror: "${registry}" }]
docker: { concurrency: 2 }
pipelines:${pipelines}`,
    { executeRuns: true },
  );
}, 120_000);
afterAll(async () => {
  await pushgate?.stop();
});

describe("test.runtime", () => {
  it("runs the test under gVisor: its /proc/version is gVisor's kernel", async () => {
    const run = await runOf("gvisor");
    expect(run.state, run.reason ?? "").toBe("passed");
    expect(run.output).toBe(`${GVISOR_KERNEL}\n`);
  });

  it("ends a test with a runtime the engine does not know errored, naming the ones it knows", async () => {
    const run = await runOf("nosuch");
    expect(run.state).toBe("errored");
    expect(run.reason).toMatch(
      /^test\.runtime: the engine at unix:\/\/\/var\/run\/docker\.sock does not know runtime nosuch-runtime \(it knows (.+, )?runc, (.+, )?runsc(, .+)?\)/,
    );
  });

  it("is checked by check-config against the engine's runtimes", async () => {
    const dir = tempDir();
    const file = join(dir, "pushgate.yml");
    writeFileSync(file, testConfigYaml(dir, `pipelines:${pipelines}`));
    const checked = await runPushgateCommand(["check-config", file]);
    expect(checked.code).toBe(78);
    expect(checked.stdout).toContain("pushgate.yml: valid");
    expect(checked.stderr).toMatch(
      /pipelines\[1\]\.test\.runtime: the engine at unix:\/\/\/var\/run\/docker\.sock does not know runtime nosuch-runtime \(it knows (.+, )?runc, (.+, )?runsc(, .+)?\)/,
    );
    writeFileSync(
      file,
      testConfigYaml(dir, `pipelines:${pipelines.replace("nosuch-runtime", "runsc")}`),
    );
    const fixed = await runPushgateCommand(["check-config", file]);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stdout).toMatch(/^ {2}runtimes {3}runsc \(the engine knows .*runsc.*\)$/m);
  });
});

describe("test.readOnly and test.user", () => {
  it("refuses writes under / and takes them under /tmp", async () => {
    const run = await runOf("ro");
    expect(run.state).toBe("failed");
    // stdout and stderr, in whichever order they came.
    expect(run.output.split("\n").sort()).toEqual([
      "",
      "in-tmp",
      "sh: can't create /etc/written: Read-only file system",
    ]);
  });

  it("runs the test as the user asked for, writing to /tmp and its own tmpfs", async () => {
    const run = await runOf("ro-user");
    expect(run.state, run.output).toBe("passed");
    expect(run.output).toMatch(/^uid=65534 gid=65534( groups=65534)?\na\nb\n$/);
  });
});

describe("a Compose test file", () => {
  it("runs every container of it under the pipeline's runtime, user and read-only root", async () => {
    const run = await runOf("compose");
    // sut exits 1 on purpose: the run fails, and the service's last lines are kept too.
    expect(run.state, run.output).toBe("failed");
    const lines = run.output.split("\n");
    const service = lines.filter((line) => line.startsWith("[service db] ")).join("\n");
    const sut = lines.filter((line) => !line.startsWith("[service ")).join("\n");
    // The file's `user: root` gives way to test.user.
    for (const output of [service, sut]) {
      expect(output).toContain(GVISOR_KERNEL);
      expect(output).toMatch(/(^|\] )65534$/m);
      expect(output).toContain("tmp-ok");
      expect(output).toContain("sh: can't create /scratch/y: Read-only file system");
    }
  });
});

describe("service containers", () => {
  it("get Docker's capabilities less NET_RAW, and the ones capAdd gives", async () => {
    const run = await runOf("caps");
    expect(run.state, run.output).toBe("passed");
    const [plain, tuned] = [...run.output.matchAll(/^CapEff:\s+([0-9a-f]+)$/gm)].map((m) =>
      BigInt(`0x${m[1] ?? ""}`),
    );
    const bit = (cap: number) => 1n << BigInt(cap);
    const [CHOWN, NET_RAW, IPC_LOCK, MKNOD] = [bit(0), bit(13), bit(14), bit(27)];
    // Docker's defaults: CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP
    // NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP = 0xa80425fb.
    const defaults = 0xa80425fbn;
    expect(plain).toBe(defaults & ~NET_RAW);
    expect(tuned).toBe(((defaults & ~NET_RAW) | IPC_LOCK) & ~MKNOD);
    expect((plain ?? 0n) & CHOWN).toBe(CHOWN);
  });
});
