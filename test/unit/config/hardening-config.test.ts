import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectSecrets } from "../../../src/config/collect-secrets.js";
import { parseConfig } from "../../../src/config/load-config.js";
import { plainTcpWarning } from "../../../src/config/plain-tcp-warning.js";
import { tempDir } from "../../support/test-config.js";
import { AUTH, problemsOf } from "../../support/config-problems.js";

const pipeline = (test: string) =>
  `${AUTH}pipelines: [{ name: web, match: { repository: acme/web }, test: ${test} }]`;

describe("docker.callTimeout and docker.tls", () => {
  it("gives every engine call 60 s by default, and reads another duration", () => {
    expect(parseConfig(AUTH, {}).docker.callTimeoutMs).toBe(60_000);
    expect(parseConfig(`${AUTH}docker: { callTimeout: 5s }`, {}).docker.callTimeoutMs).toBe(5000);
  });

  it("takes docker.tls files, each readable, for a tcp:// engine", () => {
    const dir = tempDir();
    for (const name of ["ca.pem", "cert.pem", "key.pem"]) writeFileSync(join(dir, name), "x");
    const config = parseConfig(
      `${AUTH}docker: { host: "tcp://10.0.0.5:2376", tls: { ca: ${dir}/ca.pem, cert: ${dir}/cert.pem, key: ${dir}/key.pem } }`,
      {},
    );
    expect(config.docker.tls).toEqual({
      ca: `${dir}/ca.pem`,
      cert: `${dir}/cert.pem`,
      key: `${dir}/key.pem`,
    });
    expect(
      problemsOf(`${AUTH}docker: { host: "tcp://10.0.0.5:2376", tls: { ca: ${dir}/nope.pem } }`),
    ).toEqual([`docker.tls.ca: cannot read ${dir}/nope.pem`]);
    expect(
      problemsOf(`${AUTH}docker: { host: "tcp://h:2376", tls: { ca: ${dir}/ca.pem, cert: x } }`),
    ).toEqual(["docker.tls: cert and key go together (the client certificate and its key)"]);
    expect(problemsOf(`${AUTH}docker: { tls: { ca: ${dir}/ca.pem } }`)).toEqual([
      "docker.tls: used only with a tcp:// docker.host, not unix:///var/run/docker.sock",
    ]);
  });

  it("reads DOCKER_TLS_VERIFY and DOCKER_CERT_PATH as the docker CLI does", () => {
    const dir = tempDir();
    for (const name of ["ca.pem", "cert.pem", "key.pem"]) writeFileSync(join(dir, name), "x");
    const env = {
      DOCKER_HOST: "tcp://10.0.0.5:2376",
      DOCKER_TLS_VERIFY: "1",
      DOCKER_CERT_PATH: dir,
    };
    expect(parseConfig(AUTH, env).docker).toMatchObject({
      host: "tcp://10.0.0.5:2376",
      tls: { ca: join(dir, "ca.pem"), cert: join(dir, "cert.pem"), key: join(dir, "key.pem") },
    });
    expect(parseConfig(AUTH, { ...env, DOCKER_TLS_VERIFY: "" }).docker.tls).toBeUndefined();
    expect(problemsOf(AUTH, { ...env, DOCKER_CERT_PATH: join(dir, "missing") })).toEqual([
      `DOCKER_CERT_PATH: cannot read ${join(dir, "missing", "ca.pem")}`,
      `DOCKER_CERT_PATH: cannot read ${join(dir, "missing", "cert.pem")}`,
      `DOCKER_CERT_PATH: cannot read ${join(dir, "missing", "key.pem")}`,
    ]);
  });

  it("warns about plain TCP to another machine, not to loopback, a socket or TLS", () => {
    const docker = (host: string, tls?: { ca: string }) => ({
      host,
      concurrency: 1,
      pullTimeoutMs: 1,
      callTimeoutMs: 1,
      maxAttempts: 1,
      ...(tls ? { tls } : {}),
    });
    expect(plainTcpWarning(docker("tcp://10.0.0.5:2375"))).toMatch(
      /^docker.host: tcp:\/\/10.0.0.5:2375 is plain TCP to another machine: .* use TLS/,
    );
    expect(plainTcpWarning(docker("http://docker-proxy:2375"))).toBeDefined();
    expect(plainTcpWarning(docker("tcp://127.0.0.1:2375"))).toBeUndefined();
    expect(plainTcpWarning(docker("tcp://localhost:2375"))).toBeUndefined();
    expect(plainTcpWarning(docker("tcp://[::1]:2375"))).toBeUndefined();
    expect(plainTcpWarning(docker("unix:///var/run/docker.sock"))).toBeUndefined();
    expect(plainTcpWarning(docker("tcp://10.0.0.5:2376", { ca: "/ca.pem" }))).toBeUndefined();
  });
});

describe("trustProxy and auth.metricsToken", () => {
  it("trusts no proxy by default, and takes true, a count, addresses, ranges and Express's names", () => {
    expect(parseConfig(AUTH, {}).trustProxy).toBe(false);
    for (const value of [
      "true",
      "1",
      "loopback",
      '"10.0.0.0/8, 192.168.1.4"',
      "[uniquelocal, ::1]",
    ]) {
      expect(() => parseConfig(`${AUTH}trustProxy: ${value}`, {})).not.toThrow();
    }
    expect(problemsOf(`${AUTH}trustProxy: "10.0.0.0/99"`)).toEqual([
      "trustProxy: must be proxy addresses or ranges (10.0.0.0/8), or loopback, linklocal, uniquelocal",
    ]);
  });

  it("takes a metrics token of at least 8 characters, and counts it as a secret", () => {
    const config = parseConfig(
      "auth: { webhookTokens: [hook-token-1], apiToken: api-token-1, metricsToken: scrape-token-1 }\n",
      {},
    );
    expect(config.auth.metricsToken).toBe("scrape-token-1");
    expect(collectSecrets(config)).toContain("scrape-token-1");
    expect(
      problemsOf(
        "auth: { webhookTokens: [hook-token-1], apiToken: api-token-1, metricsToken: x }\n",
      ),
    ).toEqual(["auth.metricsToken: must be at least 8 characters"]);
  });
});

describe("${file:...} secrets", () => {
  it("reads the file, less one trailing newline, and counts what it read as a secret", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "jenkins_token"), "s3cret-from-a-file\n\n");
    writeFileSync(join(dir, "db_url"), "postgres://u:pw@db/x\r\n");
    const config = parseConfig(
      `${AUTH}jenkins: { url: "http://ci:8080", user: bot, token: "\${file:${dir}/jenkins_token}" }
pipelines: [{ name: web, match: { repository: acme/web }, test: { env: { DB: "url=\${file:${dir}/db_url}" } } }]`,
      {},
    );
    expect(config.jenkins?.token).toBe("s3cret-from-a-file\n");
    expect(config.pipelines[0]?.test.env.DB).toBe("url=postgres://u:pw@db/x");
    // Not named like a secret, yet masked: it came from a secret file.
    expect(collectSecrets(config)).toContain("postgres://u:pw@db/x");
  });

  it("names a file that is missing, unreadable or not absolute, by the setting that asks for it", () => {
    const dir = tempDir();
    const locked = join(dir, "locked");
    writeFileSync(locked, "x");
    chmodSync(locked, 0o000);
    const problems = problemsOf(
      `auth: { webhookTokens: ["\${file:${dir}/missing}"], apiToken: "\${file:relative/token}" }
jenkins: { url: "http://ci:8080", user: bot, token: "\${file:${locked}}" }`,
    );
    expect(problems).toContain(
      `auth.webhookTokens[0]: cannot read secret file ${dir}/missing (no such file)`,
    );
    expect(problems).toContain(
      "auth.apiToken: secret file relative/token must be an absolute path",
    );
    // Root reads any file: the permission case only shows for other users.
    if (process.getuid?.() !== 0) {
      expect(problems).toContain(`jenkins.token: cannot read secret file ${locked} (EACCES)`);
    }
  });

  it("keeps $$ literal and leaves ${VAR} as it was", () => {
    const config = parseConfig(
      `${AUTH}pipelines: [{ name: web, match: { repository: acme/web }, test: { env: { A: "$\${file:/x}", B: "\${B}" } } }]`,
      { B: "from-env" },
    );
    expect(config.pipelines[0]?.test.env).toEqual({ A: "${file:/x}", B: "from-env" });
  });
});

describe("test lockdown settings", () => {
  it("defaults to the engine's runtime, a writable root, the image's user and no tmpfs", () => {
    const test = parseConfig(pipeline("{}"), {}).pipelines[0]?.test;
    expect(test).toMatchObject({ readOnly: false, tmpfs: [] });
    expect(test?.runtime).toBeUndefined();
    expect(test?.user).toBeUndefined();
  });

  it("gives a read-only root a 64 MiB /tmp, before the tmpfs paths asked for", () => {
    const test = parseConfig(
      pipeline(
        '{ runtime: runsc, readOnly: true, user: "65534:65534", tmpfs: ["/run", { path: /var/cache/app, size: 16m }] }',
      ),
      {},
    ).pipelines[0]?.test;
    expect(test).toMatchObject({
      runtime: "runsc",
      readOnly: true,
      user: "65534:65534",
      tmpfs: [
        { path: "/tmp", sizeBytes: 64 * 1024 ** 2 },
        { path: "/run", sizeBytes: 64 * 1024 ** 2 },
        { path: "/var/cache/app", sizeBytes: 16 * 1024 ** 2 },
      ],
    });
  });

  it("refuses a runtime, user or tmpfs path that is not one, naming the key", () => {
    expect(
      problemsOf(pipeline('{ runtime: "runsc --debug", user: "root;id", tmpfs: ["run", "/"] }')),
    ).toEqual([
      "pipelines[0].test.runtime: must be a runtime name such as runsc",
      "pipelines[0].test.tmpfs[0]: must be an absolute path such as /run",
      "pipelines[0].test.tmpfs[1]: cannot be /",
      'pipelines[0].test.user: must be user[:group], such as "65534:65534"',
    ]);
  });

  it("takes capabilities for a service in Docker's spellings, and refuses those that weaken isolation", () => {
    const service = (caps: string) =>
      pipeline(`{ services: [{ name: db, image: "postgres:16", ${caps} }] }`);
    const db = parseConfig(service("capAdd: [chown, CAP_SETUID, IPC_LOCK], capDrop: [all]"), {})
      .pipelines[0]?.test.services[0];
    expect(db).toMatchObject({ capAdd: ["CHOWN", "SETUID", "IPC_LOCK"], capDrop: ["ALL"] });
    const [problem] = problemsOf(service("capAdd: [SYS_ADMIN]"));
    expect(problem).toMatch(
      /^pipelines\[0\]\.test\.services\[0\]\.capAdd\[0\]: SYS_ADMIN: not allowed for a test service \(it weakens the host's isolation\); allowed: CHOWN, /,
    );
    expect(problemsOf(service("capDrop: [NOPE]"))[0]).toMatch(
      /^pipelines\[0\]\.test\.services\[0\]\.capDrop\[0\]: NOPE: not one of Docker's default capabilities/,
    );
  });
});
