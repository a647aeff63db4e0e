import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestImage } from "../support/build-test-image.js";
import {
  containersWith,
  engineEvents,
  eventsOfRun,
  networksWith,
} from "../support/docker-objects.js";
import { fileLines } from "../support/image-file-lines.js";
import { sharedRegistry } from "../support/registry.js";
import { pushToHub, runLogText, waitForRun } from "../support/runs.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";

// A test file carried by the image that asks for something unsafe is refused before any of
// its containers or networks exist: the run ends errored naming the file, service and key.
const ns = `refused-${randomBytes(4).toString("hex")}`;
let pushgate: TestPushgate;

/** A file whose service db adds `lines` (indented under it) to an otherwise runnable test. */
const withDb = (lines: string, top = "") => `services:
  sut:
    build: .
    depends_on: [db]
  db:
    image: \${IMAGE_NAME}
${lines
  .split("\n")
  .map((line) => `    ${line}`)
  .join("\n")}
${top}`;

const CASES: [tag: string, file: string, reason: string][] = [
  [
    "privileged",
    withDb("privileged: true"),
    "services.db.privileged: not allowed in a test (host privileges)",
  ],
  [
    "cap-add",
    withDb("cap_add: [SYS_ADMIN]"),
    "services.db.cap_add: not allowed in a test (adds kernel capabilities; a test container has none)",
  ],
  [
    "devices",
    withDb('devices: ["/dev/sda:/dev/sda"]'),
    "services.db.devices: not allowed in a test (host devices)",
  ],
  [
    "network-mode",
    withDb("network_mode: host"),
    "services.db.network_mode: not allowed in a test (leaves the test's own network)",
  ],
  [
    "networks",
    withDb("networks: [outside]", "networks: { outside: {} }"),
    "services.db.networks.outside: not allowed in a test (networks other than the default",
  ],
  [
    "pid",
    withDb("pid: host"),
    "services.db.pid: not allowed in a test (shares the host's or another container's processes)",
  ],
  [
    "ipc",
    withDb('ipc: "container:sut"'),
    "services.db.ipc: not allowed in a test (shares the host's or another container's namespace: container:sut)",
  ],
  [
    "bind",
    withDb('volumes: ["/etc:/host-etc:ro"]'),
    "services.db.volumes[0]: not allowed in a test (binds a host path: /etc)",
  ],
  [
    "volumes-from",
    withDb("volumes_from: [sut]"),
    "services.db.volumes_from: not allowed in a test (mounts another container's volumes)",
  ],
  [
    "ports",
    withDb('ports: ["8080:80"]'),
    "services.db.ports: not allowed in a test (publishes on the host",
  ],
  [
    "seccomp",
    withDb("security_opt: [seccomp=unconfined]"),
    "services.db.security_opt[0]: not allowed in a test (seccomp=unconfined weakens the lockdown)",
  ],
  [
    "sysctls",
    withDb("sysctls: { net.ipv4.ip_forward: 1 }"),
    "services.db.sysctls: not allowed in a test (changes kernel parameters)",
  ],
  [
    "env-file",
    withDb("env_file: /etc/pushgate/secrets.env"),
    "services.db.env_file: not allowed in a test (reads a file on pushgate's side)",
  ],
  [
    "extends",
    withDb("extends: { file: ../../other.yml, service: db }"),
    "services.db.extends: not allowed in a test (reads another service or file",
  ],
  [
    "include",
    `include: [/etc/pushgate/other.yml]\n${withDb("command: [true]")}`,
    "include: not allowed in a test (includes files outside the test file)",
  ],
  [
    "external-volume",
    withDb("volumes: [cache:/cache]", "volumes: { cache: { external: true } }"),
    "volumes.cache.external: not allowed in a test (external volume",
  ],
  [
    "unknown",
    withDb("restart_policy_typo: always"),
    "services.db.restart_policy_typo: unknown key: not supported in a test file",
  ],
  [
    "not-yaml",
    "services:\n  sut: [unclosed\n",
    "/t/not-yaml.yml (in the image): line 3, column 1:",
  ],
  [
    "not-compose",
    "- just\n- a list\n",
    '/t/not-compose.yml (in the image): line 1, column 1: not a Compose file: the top level must be a mapping with "services"',
  ],
  ["no-sut", "services:\n  app:\n    build: .\n", "no sut service"],
];

beforeAll(async () => {
  const registry = sharedRegistry();
  const base = `${registry}/${ns}/app:files`;
  await buildTestImage({
    reference: base,
    lines: CASES.flatMap(([tag, file]) => fileLines(`/t/${tag}.yml`, file)),
    push: false,
  });
  for (const [tag] of CASES) {
    await buildTestImage({
      reference: `${registry}/${ns}/app:${tag}`,
      from: base,
      lines: [`LABEL pushgate.test.compose=/t/${tag}.yml`],
    });
  }
  pushgate = await startTestPushgate(
    `
registries: [{ host: docker.io, mirror: "${registry}" }]
docker: { concurrency: 2 }
pipelines:
  - name: carried
    match: { repository: "${ns}/app" }
`,
    { executeRuns: true },
  );
}, 120_000);
afterAll(async () => {
  await pushgate?.stop();
});

describe("a compose file asking for what a test may not have", () => {
  it(`is refused (${CASES.length} cases), naming the key, with no test container or network created`, async () => {
    const since = new Date();
    const runs = await Promise.all(
      CASES.map(async ([tag, , reason]) => {
        const [id = ""] = await pushToHub(pushgate.url, `${ns}/app`, tag);
        return { tag, reason, id, run: await waitForRun(pushgate.url, id) };
      }),
    );
    const events = await engineEvents(since);
    for (const { tag, reason, id, run } of runs) {
      expect(run.state, tag).toBe("errored");
      expect(run.reason, tag).toContain(reason);
      expect(run.reason, tag).toMatch(new RegExp(`^/t/${tag}\\.yml \\(in the image\\): `));
      // The engine's own account: only the container that read the file, never started.
      const ofRun = eventsOfRun(events, id);
      const created = ofRun.filter((e) => e.Type === "container" && e.Action === "create");
      const roles = created.map((e) => e.Actor.Attributes["pushgate.role"]);
      expect(roles, tag).toEqual(["read"]);
      expect(
        ofRun.filter((e) => e.Action === "start" || e.Type === "network"),
        tag,
      ).toEqual([]);
      expect(await containersWith(`pushgate.run=${id}`), tag).toEqual([]);
      expect(await networksWith(`pushgate.run=${id}`), tag).toEqual([]);
    }
    // With more than one problem, every one is in the run's output, not only those that fit
    // in the reason.
    const two = runs.find((r) => r.tag === "networks");
    expect((await runLogText(pushgate.url, two?.id ?? "")).text).toBe(
      [
        "[pushgate] /t/networks.yml (in the image): networks.outside: not allowed in a test (networks other than the default: every service is on the test's own network)",
        "[pushgate] /t/networks.yml (in the image): services.db.networks.outside: not allowed in a test (networks other than the default: every service is on the test's own network)",
        `[pushgate: errored: ${two?.run.reason ?? ""}]`,
        "",
      ].join("\n"),
    );
  });
});
