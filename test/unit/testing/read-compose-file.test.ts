import { describe, expect, it } from "vitest";
import { ComposeError, type ComposeService } from "../../../src/testing/compose-test.js";
import { planComposeTest } from "../../../src/testing/plan-compose-test.js";
import { readComposeFile } from "../../../src/testing/read-compose-file.js";
import { splitShellWords } from "../../../src/testing/split-shell-words.js";

const VARS = { IMAGE_NAME: "127.0.0.1:5000/acme/web:v1", SOURCE_COMMIT: "0123abc", GREETING: "hi" };
const FILE = "docker-compose.test.yml";

const read = (text: string) => readComposeFile(text, FILE, VARS);
const service = (text: string, name = "sut"): ComposeService | undefined =>
  read(text).services.find((s) => s.name === name);

/** The problems a file is refused with (each without the file name in front). */
function problemsOf(text: string): readonly string[] {
  try {
    planComposeTest(read(text));
  } catch (error) {
    if (error instanceof ComposeError) return error.problems;
    throw error;
  }
  return [];
}

/** A file whose service db has `lines` (indented under it). */
const withDb = (lines: string, top = "") =>
  `services:\n  sut:\n    build: .\n    depends_on: [db]\n  db:\n    image: postgres:16\n${lines
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n")}\n${top}`;

describe("reading a Compose test file", () => {
  it("reads every supported key with Compose's meaning", () => {
    const sut = service(`version: "2.4"
name: ignored
x-common: &common
  environment: { FROM_ANCHOR: "yes" }
services:
  sut:
    <<: *common
    build: { context: ., dockerfile: Dockerfile.test, args: { X: 1 } }
    command: ./run_tests.sh --fast "two words" 'single $$quoted'
    entrypoint: ["/bin/sh", "-c"]
    working_dir: /src
    user: "1000:1000"
    hostname: tester
    tmpfs: ["/run:size=64m,mode=1777", /tmp]
    labels: [com.example.team=web]
    expose: [8080, "53/udp", "9000-9001"]
    init: true
    read_only: true
    stop_grace_period: 1m30s
    container_name: the-sut
    restart: "no"
    cap_drop: [ALL]
    security_opt: [no-new-privileges:true]
    networks: { default: { aliases: [tests] } }
    healthcheck:
      test: ["CMD", "true"]
      interval: 200ms
      timeout: 1s
      retries: 3
      start_period: 1.5s
    environment:
      - PLAIN=1
      - SOURCE_COMMIT
      - NOT_A_VARIABLE
    x-notes: ignored
`);
    expect(sut).toEqual({
      name: "sut",
      image: { tested: true },
      command: ["./run_tests.sh", "--fast", "two words", "single $quoted"],
      entrypoint: ["/bin/sh", "-c"],
      workingDir: "/src",
      user: "1000:1000",
      hostname: "tester",
      tmpfs: { "/run": "size=64m,mode=1777", "/tmp": "" },
      labels: { "com.example.team": "web" },
      expose: ["8080", "53/udp", "9000-9001"],
      init: true,
      readOnly: true,
      stopGracePeriodMs: 90_000,
      aliases: ["the-sut", "tests"],
      healthcheck: {
        test: ["CMD", "true"],
        intervalMs: 200,
        timeoutMs: 1000,
        retries: 3,
        startPeriodMs: 1500,
      },
      // The anchor's environment is replaced by the service's own, as YAML merges keys.
      environment: { PLAIN: "1", SOURCE_COMMIT: "0123abc" },
      dependsOn: [],
      mounts: [],
    });
  });

  it("runs the pushed image for build (any form) and $IMAGE_NAME, and pulls other images", () => {
    const file = read(`services:
  a: { build: . }
  b: { build: { context: . } }
  c: { image: $IMAGE_NAME }
  d: { image: "\${IMAGE_NAME}" }
  e: { image: "\${DOCKER_REPO:-127.0.0.1:5000/acme/web}:v1" }
  f: { image: postgres:16 }
  g: { image: postgres:16, build: . }
`);
    expect(file.services.map((s) => s.image)).toEqual([
      { tested: true },
      { tested: true },
      { tested: true },
      { tested: true },
      { tested: true },
      { tested: false, reference: "postgres:16" },
      { tested: true },
    ]);
    expect(problemsOf("services:\n  sut: { command: [x] }\n")).toEqual([
      "services.sut: needs image or build (build: . runs the image under test)",
    ]);
    expect(problemsOf("services:\n  sut: { image: 'Not A/Reference!' }\n")).toEqual([
      "services.sut.image: Not A/Reference! is not an image reference",
    ]);
  });

  it("reads both depends_on forms, and links as dependencies with aliases", () => {
    const file = read(`services:
  sut:
    build: .
    depends_on:
      db: { condition: service_healthy }
      migrate: { condition: service_completed_successfully, restart: true }
      cache:
      optional: { required: false }
    links: ["search:es"]
  db: { image: postgres:16, depends_on: [cache] }
  migrate: { build: . }
  cache: { image: redis:7 }
  search: { image: elasticsearch:8 }
`);
    const sut = file.services.find((s) => s.name === "sut");
    expect(sut?.dependsOn).toEqual([
      { service: "db", condition: "service_healthy" },
      { service: "migrate", condition: "service_completed_successfully" },
      { service: "cache", condition: "service_started" },
      { service: "search", condition: "service_started" },
    ]);
    expect(file.services.find((s) => s.name === "search")?.aliases).toEqual(["es"]);
    expect(file.services.find((s) => s.name === "db")?.dependsOn).toEqual([
      { service: "cache", condition: "service_started" },
    ]);
    expect(
      problemsOf(
        "services:\n  sut:\n    build: .\n    depends_on: { db: { condition: service_ready } }\n  db: { build: . }\n",
      ),
    ).toEqual([
      "services.sut.depends_on.db.condition: must be one of service_started, service_healthy, service_completed_successfully",
    ]);
    expect(problemsOf("services:\n  sut: { build: ., depends_on: [nowhere] }\n")).toEqual([
      "services.sut.depends_on: service nowhere is not in the file",
    ]);
    expect(
      problemsOf(
        "services:\n  sut: { build: ., depends_on: [a] }\n  a: { build: ., depends_on: [b] }\n  b: { build: ., depends_on: [a] }\n",
      ),
    ).toEqual(["services.a.depends_on: cycle: sut → a → b → a"]);
  });

  it("reads healthchecks in every form Compose takes", () => {
    const check = (yaml: string) =>
      service(`services:\n  sut:\n    build: .\n    healthcheck: ${yaml}\n`)?.healthcheck;
    expect(check('{ test: "pg_isready -U app" }')).toEqual({
      test: ["CMD-SHELL", "pg_isready -U app"],
    });
    expect(check('{ test: ["CMD-SHELL", "curl -f localhost"] }')).toEqual({
      test: ["CMD-SHELL", "curl -f localhost"],
    });
    expect(check('{ test: ["NONE"] }')).toEqual({ test: ["NONE"] });
    expect(check("{ disable: true, test: [CMD, x] }")).toEqual({ test: ["NONE"] });
    expect(check("{ interval: 2s, start_interval: 100ms }")).toEqual({
      test: [],
      intervalMs: 2000,
      startIntervalMs: 100,
    });
    expect(problemsOf("services:\n  sut: { build: ., healthcheck: { test: [CMD] } }\n")).toEqual([
      'services.sut.healthcheck.test: must be a string, ["CMD", ...], ["CMD-SHELL", "command"] or ["NONE"]',
    ]);
    expect(
      problemsOf(
        "services:\n  sut: { build: ., healthcheck: { interval: soon, retries: -1, every: 1s } }\n",
      ),
    ).toEqual([
      "services.sut.healthcheck.interval: must be a duration such as 30s, 1m30s or 200ms",
      "services.sut.healthcheck.retries: must be a whole number",
      "services.sut.healthcheck.every: unknown key: not supported in a test file",
    ]);
  });

  it("reads environment as a list or a mapping; a bare name takes the Autotest variable", () => {
    const sut = service(`services:
  sut:
    build: .
    environment: { A: 1, B: true, C: "", SOURCE_COMMIT: null, UNKNOWN: null, G: "\${GREETING} there" }
`);
    expect(sut?.environment).toEqual({
      A: "1",
      B: "true",
      C: "",
      SOURCE_COMMIT: "0123abc",
      G: "hi there",
    });
  });

  it("mounts named and anonymous volumes of the test's own; host paths are refused", () => {
    const file = read(`services:
  sut:
    build: .
    volumes:
      - data:/data
      - data:/readonly:ro
      - /scratch
      - { type: volume, source: data, target: /long, read_only: true, volume: { nocopy: true } }
      - { type: volume, target: /anonymous }
      - { type: tmpfs, target: /fast, tmpfs: { size: 64m } }
volumes:
  data:
  unused: { labels: { a: b } }
`);
    expect(file.volumes).toEqual(["data", "unused", "anonymous:2", "anonymous:3"]);
    expect(file.services[0]?.mounts).toEqual([
      { type: "volume", volume: "data", target: "/data", readOnly: false, noCopy: false },
      { type: "volume", volume: "data", target: "/readonly", readOnly: true, noCopy: false },
      { type: "volume", volume: "anonymous:2", target: "/scratch", readOnly: false, noCopy: false },
      { type: "volume", volume: "data", target: "/long", readOnly: true, noCopy: true },
      {
        type: "volume",
        volume: "anonymous:3",
        target: "/anonymous",
        readOnly: false,
        noCopy: false,
      },
      { type: "tmpfs", target: "/fast", sizeBytes: 64 * 1024 * 1024 },
    ]);
    expect(planComposeTest(file).volumes).toEqual(["data", "anonymous:2", "anonymous:3"]);
    expect(
      problemsOf(
        withDb("volumes: [./src:/src, ~/x:/x, other:/o, 'data:/d:z']", "volumes: { data: }"),
      ),
    ).toEqual([
      "services.db.volumes[0]: not allowed in a test (binds a host path: ./src)",
      "services.db.volumes[1]: not allowed in a test (binds a host path: ~/x)",
      "services.db.volumes[2]: volume other is not declared under the top-level volumes",
      'services.db.volumes[3]: "data:/d:z" is not SOURCE:TARGET[:ro|rw|nocopy]',
    ]);
  });

  it.each([
    ["privileged: true", "services.db.privileged: not allowed in a test (host privileges)"],
    [
      "cap_add: [NET_ADMIN]",
      "services.db.cap_add: not allowed in a test (adds kernel capabilities; a test container has none)",
    ],
    ["devices: [/dev/fuse]", "services.db.devices: not allowed in a test (host devices)"],
    [
      "network_mode: bridge",
      "services.db.network_mode: not allowed in a test (leaves the test's own network)",
    ],
    [
      "network_mode: service:sut",
      "services.db.network_mode: not allowed in a test (leaves the test's own network)",
    ],
    [
      "networks: [default, backend]",
      "services.db.networks.backend: not allowed in a test (networks other than the default: every service is on the test's own network)",
    ],
    [
      "networks: { default: { ipv4_address: 10.0.0.2 } }",
      "services.db.networks.default.ipv4_address: unknown key: not supported in a test file",
    ],
    [
      "pid: host",
      "services.db.pid: not allowed in a test (shares the host's or another container's processes)",
    ],
    [
      "pid: container:abc",
      "services.db.pid: not allowed in a test (shares the host's or another container's processes)",
    ],
    [
      "ipc: host",
      "services.db.ipc: not allowed in a test (shares the host's or another container's namespace: host)",
    ],
    ["uts: host", "services.db.uts: not allowed in a test (shares the host's host name)"],
    [
      "userns_mode: host",
      "services.db.userns_mode: not allowed in a test (shares the host's user namespace)",
    ],
    [
      "cgroup: host",
      "services.db.cgroup: not allowed in a test (shares the host's or another container's namespace: host)",
    ],
    [
      "volumes: [/var/run/docker.sock:/var/run/docker.sock]",
      "services.db.volumes[0]: not allowed in a test (binds a host path: /var/run/docker.sock)",
    ],
    [
      "volumes: [{ type: bind, source: /, target: /host }]",
      "services.db.volumes[0].type: not allowed in a test (binds a host path)",
    ],
    [
      "volumes_from: [sut]",
      "services.db.volumes_from: not allowed in a test (mounts another container's volumes)",
    ],
    [
      'ports: ["5432"]',
      "services.db.ports: not allowed in a test (publishes on the host; services reach each other by name, use expose)",
    ],
    [
      "security_opt: [seccomp=unconfined]",
      "services.db.security_opt[0]: not allowed in a test (seccomp=unconfined weakens the lockdown)",
    ],
    [
      "security_opt: [apparmor=unconfined]",
      "services.db.security_opt[0]: not allowed in a test (apparmor=unconfined weakens the lockdown)",
    ],
    [
      "security_opt: [label=disable]",
      "services.db.security_opt[0]: not allowed in a test (label=disable weakens the lockdown)",
    ],
    [
      "security_opt: [no-new-privileges:false]",
      "services.db.security_opt[0]: not allowed in a test (no-new-privileges:false weakens the lockdown)",
    ],
    [
      "sysctls: [net.core.somaxconn=1024]",
      "services.db.sysctls: not allowed in a test (changes kernel parameters)",
    ],
    [
      "env_file: .env",
      "services.db.env_file: not allowed in a test (reads a file on pushgate's side)",
    ],
    [
      "extends: { file: common.yml, service: base }",
      "services.db.extends: not allowed in a test (reads another service or file; write the service out in full)",
    ],
    [
      "external_links: [redis_1]",
      "services.db.external_links: not allowed in a test (reaches containers outside the test)",
    ],
    [
      "secrets: [token]",
      "services.db.secrets: not allowed in a test (reads files or variables on pushgate's side)",
    ],
    [
      "mem_limit: 8g",
      "services.db.mem_limit: not allowed in a test (resources are set by the pipeline's test.resources)",
    ],
    [
      "runtime: runc",
      "services.db.runtime: not allowed in a test (the container runtime is pushgate's to choose)",
    ],
    ["tmpfs: [/run:suid]", "services.db.tmpfs[0]: not allowed in a test (tmpfs option suid)"],
    [
      "labels: { pushgate.run: other }",
      "services.db.labels.pushgate.run: not allowed in a test (labels under pushgate. are pushgate's own)",
    ],
    [
      "shm_size: 1g",
      "services.db.shm_size: not allowed in a test (resources are set by the pipeline's test.resources)",
    ],
    ["platform: linux/arm64", "services.db.platform: unknown key: not supported in a test file"],
    [
      "command: echo hi && exit 1",
      'services.db.command: "&" needs a shell, which a command string does not get: write ["sh", "-c", "..."]',
    ],
    ["expose: ['80:80']", "services.db.expose: 80:80 is not a port such as 5432 or 53/udp"],
  ])("refuses %s", (line, problem) => {
    expect(problemsOf(withDb(line))).toEqual([problem]);
  });

  it.each([
    [
      "include: [other.yml]",
      "include: not allowed in a test (includes files outside the test file)",
    ],
    [
      "secrets: { token: { file: /etc/shadow } }",
      "secrets: not allowed in a test (reads files or variables on pushgate's side)",
    ],
    [
      "configs: { c: { environment: PUSHGATE_API_TOKEN } }",
      "configs: not allowed in a test (reads files or variables on pushgate's side)",
    ],
    [
      "networks: { backend: {} }",
      "networks.backend: not allowed in a test (networks other than the default: every service is on the test's own network)",
    ],
    [
      "networks: { default: { external: true, name: host } }",
      "networks.default.external: not allowed in a test (external network: the test has a network of its own)",
    ],
    [
      "networks: { default: { driver: macvlan } }",
      "networks.default: not allowed in a test (the default network is the test's own, made by pushgate)",
    ],
    [
      "volumes: { cache: { external: true } }",
      "volumes.cache.external: not allowed in a test (external volume: a test only has volumes of its own)",
    ],
    [
      "volumes: { cache: { name: someone-elses } }",
      "volumes.cache.name: not allowed in a test (names a volume outside the test)",
    ],
    [
      "volumes: { cache: { driver_opts: { type: none, o: bind, device: /etc } } }",
      "volumes.cache.driver_opts: not allowed in a test (volume drivers can mount host paths)",
    ],
    ["profiles_typo: {}", "profiles_typo: unknown key: not supported in a test file"],
  ])("refuses the top-level %s", (line, problem) => {
    expect(problemsOf(`${withDb(`command: ["true"]`)}${line}\n`)).toEqual([problem]);
  });

  it("lists every problem of a file, and names the file in its message", () => {
    const error = (() => {
      try {
        read(withDb("privileged: true\nports: [80]\nnot_a_key: 1"));
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ComposeError);
    expect((error as ComposeError).message).toBe(
      `${FILE}: services.db.privileged: not allowed in a test (host privileges); ` +
        `${FILE}: services.db.ports: not allowed in a test (publishes on the host; services reach each other by name, use expose); ` +
        `${FILE}: services.db.not_a_key: unknown key: not supported in a test file`,
    );
  });

  it.each([
    ["services:\n  sut:\n    build: .\n   image: x\n", "line 4, column 1: "],
    [
      "services:\n  sut: { build: . }\n  sut: { build: . }\n",
      "line 3, column 3: Map keys must be unique",
    ],
    [
      "services: [sut]\n",
      'line 1, column 11: not a Compose file: "services" must be a mapping of service names',
    ],
    [
      "version: '3'\n",
      'line 1, column 1: not a Compose file: "services" must be a mapping of service names',
    ],
    [
      "just text\n",
      'line 1, column 1: not a Compose file: the top level must be a mapping with "services"',
    ],
    ["", 'line 1, column 1: not a Compose file: the top level must be a mapping with "services"'],
    [
      "a: &a [x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\nservices: {}\n",
      "line 1, column 1: Excessive alias count",
    ],
  ])("says the line and column of what is not YAML or not Compose: %j", (text, problem) => {
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(problem);
  });
});

describe("planning a Compose test (Autotest's rules)", () => {
  it("starts only sut and what it needs, dependencies first", () => {
    const plan = planComposeTest(
      read(`services:
  web: { build: ., depends_on: [db] }
  sut: { build: ., depends_on: { api: { condition: service_healthy } } }
  api: { build: ., depends_on: [db, cache] }
  db: { image: postgres:16, volumes: [data:/var/lib/postgresql/data] }
  cache: { image: redis:7 }
  unrelated: { image: busybox, volumes: [other:/o] }
volumes: { data: , other: }
`),
    );
    expect(plan.services.map((s) => s.name)).toEqual(["db", "cache", "api", "sut"]);
    expect(plan.volumes).toEqual(["data"]);
  });

  it("needs a sut", () => {
    expect(problemsOf("services:\n  app: { build: . }\n")).toEqual([
      "no sut service: the test runs the service named sut and judges its exit code",
    ]);
  });
});

describe("splitting a command string as Compose does", () => {
  it.each([
    ["run_tests.sh", ["run_tests.sh"]],
    ["  a   b\tc ", ["a", "b", "c"]],
    [`echo "a b" 'c d' e\\ f`, ["echo", "a b", "c d", "e f"]],
    [`echo "say \\"hi\\"" '\\n'`, ["echo", 'say "hi"', "\\n"]],
    [`echo "" ''`, ["echo", "", ""]],
    ["echo $HOME ${X}", ["echo", "$HOME", "${X}"]],
  ])("%s", (text, words) => {
    expect(splitShellWords(text)).toEqual(words);
  });

  it.each(["a | b", "a; b", "a > out", "echo `id`", "echo $(id)", "a &"])(
    "refuses %s, which needs a shell",
    (text) => {
      expect(() => splitShellWords(text)).toThrow("needs a shell");
    },
  );

  it("refuses an unclosed quote", () => {
    expect(() => splitShellWords(`echo "open`)).toThrow('unclosed " quote');
  });
});
