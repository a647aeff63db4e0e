import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../../src/config/load-config.js";
import { AUTH, problemsOf } from "../../support/config-problems.js";

describe("loadConfig", () => {
  it("reads the example config shipped in the repository", () => {
    const config = loadConfig("pushgate.example.yml", {});
    expect(config.pipelines.map((p) => p.name)).toEqual(["example"]);
    expect(config.auth.webhookTokens).toEqual(["example-webhook-token"]);
    expect(Object.isFrozen(config.pipelines[0]?.test)).toBe(true);
  });

  it("fills defaults and converts units", () => {
    const config = parseConfig(
      `${AUTH}pipelines: [{ name: web, match: { repository: acme/web } }]`,
      {},
    );
    expect(config.listen).toEqual({ host: "0.0.0.0", port: 8080 });
    expect(config.store.path).toBe("./data/pushgate.db");
    expect(config.limits.bodyBytes).toBe(1024 * 1024);
    expect(config.docker).toMatchObject({ host: "unix:///var/run/docker.sock", concurrency: 2 });
    expect(config.pipelines[0]).toMatchObject({
      match: { repositories: ["acme/web"], tags: ["*"] },
      test: {
        timeoutMs: 600_000,
        network: "none",
        resources: { memoryBytes: 512 * 1024 * 1024, cpus: 1, pids: 256 },
        services: [],
      },
      on: { success: [], failure: [], error: [] },
      callback: false,
    });
  });

  it("reads the DESIGN.md example, units included", () => {
    const config = parseConfig(
      `${AUTH}
jenkins: { url: "http://jenkins:8080", user: pushgate, token: "\${JT}" }
registries: [{ host: docker.io, mirror: "127.0.0.1:5000", username: bot, password: "\${HUB}" }]
pipelines:
  - name: web
    match: { repository: acme/web, tags: ["latest", "v*"] }
    test:
      command: ["test"]
      env: { RAILS_ENV: test }
      timeout: 1h30m
      resources: { memory: 1g, cpus: 0.5, pids: 64 }
    on:
      success: [{ jenkins: { job: deploy/web } }]
    callback: true
`,
      { JT: "jenkins-token", HUB: "hub-token" },
    );
    expect(config.jenkins?.token).toBe("jenkins-token");
    expect(config.registries[0]).toMatchObject({
      mirror: "127.0.0.1:5000",
      password: "hub-token",
      insecure: false,
    });
    expect(config.pipelines[0]?.test).toMatchObject({
      command: ["test"],
      timeoutMs: 5_400_000,
      resources: { memoryBytes: 1024 ** 3, cpus: 0.5, pids: 64 },
    });
  });

  it("takes PORT and DOCKER_HOST from the environment", () => {
    const config = parseConfig(AUTH, { PORT: "9999", DOCKER_HOST: "tcp://10.0.0.2:2375" });
    expect(config.listen.port).toBe(9999);
    expect(config.docker.host).toBe("tcp://10.0.0.2:2375");
  });

  it("replaces ${VAR} only inside values, never in the YAML structure", () => {
    const config = parseConfig(`auth: { webhookTokens: ["\${T}"], apiToken: api-token-1 }`, {
      T: "x]\n  evil: [1",
    });
    expect(config.auth.webhookTokens).toEqual(["x]\n  evil: [1"]);
  });

  it.each([
    ["pipelines: [{ name: web, match: {} }]", "pipelines[0].match.repository: required"],
    ["pipelines: [{ name: web }]", "pipelines[0].match: required"],
    ["pipelines: [{ match: { repository: x } }]", "pipelines[0].name: required"],
    [
      "pipelines: [{ name: 'bad name', match: { repository: x } }]",
      "pipelines[0].name: must be letters",
    ],
    [
      "pipelines: [{ name: a, match: { repository: x }, test: { timeout: soon } }]",
      "pipelines[0].test.timeout: must be a duration",
    ],
    [
      "pipelines: [{ name: a, match: { repository: x }, test: { resources: { memory: lots } } }]",
      "pipelines[0].test.resources.memory: must be a size",
    ],
    [
      "pipelines: [{ name: a, match: { repository: x }, test: { command: 'make test' } }]",
      "pipelines[0].test.command: must be an array",
    ],
    [
      "pipelines: [{ name: a, match: { repository: x } }, { name: a, match: { repository: y } }]",
      "pipelines[1]: contains a duplicate value",
    ],
    [
      "pipelines: [{ name: a, match: { repository: x }, test: { services: [{ name: db, image: 'Postgres:16' }] } }]",
      "pipelines[0].test.services[0].image: must be an image reference",
    ],
    [
      "pipelines: [{ name: a, match: { repository: x }, test: { services: [{ name: db, image: db, wait: { log: 'ready (' } }] } }]",
      "pipelines[0].test.services[0].wait.log: must be a regular expression",
    ],
    ["docker: { concurrency: 0 }", "docker.concurrency: must be greater than or equal to 1"],
    ["registries: [{ host: 'http://x' }]", "registries[0].host: must be a registry host"],
    [
      "jenkins: { url: 'http://j', user: u }",
      "jenkins: must contain at least one of [token, password]",
    ],
    [
      "jenkins: { url: 'http://j', user: u, token: t, password: p }",
      "jenkins: contains a conflict between exclusive peers [token, password]",
    ],
    ["listen: { port: 70000 }", "listen.port: must be less than or equal to 65535"],
    ["colour: blue", "colour: is not a known setting"],
  ])("reports %s", (yaml, expected) => {
    expect(problemsOf(`${AUTH}${yaml}`).some((p) => p.startsWith(expected))).toBe(true);
  });

  it("requires the tokens and names them", () => {
    expect(problemsOf("")).toEqual(["auth: required"]);
    expect(problemsOf("auth: { webhookTokens: [], apiToken: short }")).toEqual([
      "auth.webhookTokens: must contain at least 1 items",
      "auth.apiToken: must be at least 8 characters",
    ]);
  });

  it("names an unset environment variable by the setting that uses it", () => {
    expect(problemsOf(`auth: { webhookTokens: ["\${NOPE}"], apiToken: api-token-1 }`)).toContain(
      "auth.webhookTokens[0]: environment variable NOPE is not set",
    );
  });

  it("reports YAML syntax errors with their line", () => {
    const problems = problemsOf("auth: {\n  webhookTokens: [a\n");
    expect(problems[0]).toMatch(/^line \d+, column \d+: /);
  });

  it("says so when the file does not exist", () => {
    const dir = mkdtempSync(join(tmpdir(), "pushgate-config-"));
    expect(() => loadConfig(join(dir, "missing.yml"), {})).toThrow(/file not found/);
    writeFileSync(join(dir, "ok.yml"), AUTH);
    expect(loadConfig(join(dir, "ok.yml"), {}).auth.apiToken).toBe("api-token-1");
  });
});
