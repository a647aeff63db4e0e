import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/load-config.js";
import { AUTH, problemsOf } from "../../support/config-problems.js";

const JENKINS = "jenkins: { url: 'http://jenkins:8080', user: pushgate, token: t0ken-123 }\n";

const withActions = (success: string, extra = JENKINS) =>
  `${AUTH}${extra}pipelines:
  - name: web
    match: { repository: acme/web }
    on:
      success:
${success
  .split("\n")
  .map((line) => `        ${line}`)
  .join("\n")}
`;

describe("action settings", () => {
  it("reads each kind with its defaults", () => {
    const config = parseConfig(
      withActions(`- jenkins: { job: deploy/web, parameters: { TARGET: "{{tag}}" }, wait: true, waitTimeout: 5m }
- jenkins: { job: web }
- redeploy: { url: "https://hooks.example/x" }
- redeploy: { preset: watchtower, url: "http://watchtower:8080", token: wt-token, method: get }
- redeploy: { preset: portainer, url: "https://portainer:9443/api/webhooks/abc", updateTag: true }
- slack: { url: "https://hooks.slack.com/services/T/B/x" }
- webhook: { url: "https://notify.example/in", headers: { X-Api-Key: k3y-1234 } }`),
      {},
    );
    expect(config.pipelines[0]?.on.success).toEqual([
      {
        jenkins: {
          job: "deploy/web",
          parameters: { TARGET: "{{tag}}" },
          wait: true,
          waitTimeoutMs: 300_000,
        },
      },
      { jenkins: { job: "web", parameters: {}, wait: false, waitTimeoutMs: 1_800_000 } },
      {
        redeploy: {
          preset: "generic",
          url: "https://hooks.example/x",
          method: "POST",
          headers: {},
        },
      },
      {
        redeploy: {
          preset: "watchtower",
          url: "http://watchtower:8080",
          token: "wt-token",
          method: "GET",
          headers: {},
          timeoutMs: 300_000,
        },
      },
      {
        redeploy: {
          preset: "portainer",
          url: "https://portainer:9443/api/webhooks/abc",
          updateTag: true,
          method: "POST",
          headers: {},
          timeoutMs: 300_000,
        },
      },
      { slack: { url: "https://hooks.slack.com/services/T/B/x" } },
      { webhook: { url: "https://notify.example/in", headers: { "X-Api-Key": "k3y-1234" } } },
    ]);
    expect(config.actions).toEqual({
      timeoutMs: 10_000,
      attempts: 5,
      backoffMs: 1000,
      maxBackoffMs: 60_000,
    });
  });

  it("takes a timeout on every kind, overriding actions.timeout; watchtower's and portainer's default to 5m", () => {
    const config = parseConfig(
      withActions(`- jenkins: { job: web, timeout: 20s }
- redeploy: { url: "https://hooks.example/x", timeout: 90s }
- redeploy: { preset: watchtower, url: "http://watchtower:8080", token: wt-token, timeout: 15m }
- redeploy: { preset: portainer, url: "https://portainer:9443/api/webhooks/abc" }
- redeploy: { preset: keel, url: "http://keel:9300" }
- slack: { url: "https://hooks.slack.com/services/T/B/x", timeout: 3s }
- webhook: { url: "https://notify.example/in", timeout: 1m }`),
      {},
    );
    const timeouts = config.pipelines[0]?.on.success.map(
      (action) => Object.values(action)[0] as { timeoutMs?: number },
    );
    expect(timeouts?.map((spec) => spec.timeoutMs)).toEqual([
      20_000,
      90_000,
      900_000,
      300_000,
      undefined,
      3000,
      60_000,
    ]);
  });

  it.each([
    [
      "- {}",
      "pipelines[0].on.success[0]: must be one action: jenkins, redeploy, slack, teams, discord or webhook",
    ],
    [
      "- webhook: { url: 'https://x', timeout: soon }",
      "pipelines[0].on.success[0].webhook.timeout: must be a duration",
    ],
    [
      "- redeploy: { url: 'https://x', preset: watchtower, token: abcd1234, timeout: later }",
      "pipelines[0].on.success[0].redeploy.timeout: must be a duration",
    ],
    [
      "- { jenkins: { job: a }, slack: { url: 'https://x' } }",
      "pipelines[0].on.success[0]: holds two actions; give each its own list item",
    ],
    ["- jenkinz: { job: a }", "pipelines[0].on.success[0].jenkinz: is not a known setting"],
    ["- jenkins: { parameters: {} }", "pipelines[0].on.success[0].jenkins.job: required"],
    ["- jenkins: { job: /web }", "pipelines[0].on.success[0].jenkins.job: must be a job path"],
    [
      "- jenkins: { job: deploy/../web }",
      "pipelines[0].on.success[0].jenkins.job: must be a job path",
    ],
    [
      "- jenkins: { job: web, parameters: { IMAGE: '{{repo}}' } }",
      "pipelines[0].on.success[0].jenkins.parameters.IMAGE: uses unknown placeholder {{repo}}",
    ],
    [
      "- jenkins: { job: web, parameters: { PUSHGATE_IMAGE: x } }",
      "pipelines[0].on.success[0].jenkins.parameters: PUSHGATE_IMAGE is sent by pushgate itself",
    ],
    [
      "- jenkins: { job: web, wait: soon }",
      "pipelines[0].on.success[0].jenkins.wait: must be true or false",
    ],
    ["- redeploy: { method: POST }", "pipelines[0].on.success[0].redeploy.url: required"],
    [
      "- redeploy: { url: 'ftp://x/y' }",
      "pipelines[0].on.success[0].redeploy.url: must be an http(s) URL",
    ],
    [
      "- redeploy: { url: 'https://x', preset: rancher }",
      "pipelines[0].on.success[0].redeploy.preset: must be one of",
    ],
    [
      "- redeploy: { url: 'https://x', preset: watchtower }",
      "pipelines[0].on.success[0].redeploy.token: required",
    ],
    [
      "- redeploy: { url: 'https://x', token: abcd1234 }",
      "pipelines[0].on.success[0].redeploy.token: is only for preset watchtower",
    ],
    [
      "- redeploy: { url: 'https://x', preset: keel, body: { a: 1 } }",
      "pipelines[0].on.success[0].redeploy.body: is only for preset generic",
    ],
    [
      "- redeploy: { url: 'https://x', body: { image: '{{img}}' } }",
      "pipelines[0].on.success[0].redeploy.body: uses unknown placeholder {{img}}",
    ],
    [
      "- redeploy: { url: 'https://x', method: FETCH }",
      "pipelines[0].on.success[0].redeploy.method: must be one of",
    ],
    ["- slack: {}", "pipelines[0].on.success[0].slack.url: required"],
    [
      "- slack: { url: 'hooks.slack.com/x' }",
      "pipelines[0].on.success[0].slack.url: must be an http(s) URL",
    ],
    [
      "- webhook: { url: 'https://x', headers: { 'Bad Header': x } }",
      "pipelines[0].on.success[0].webhook.headers.Bad Header: is not a known setting",
    ],
  ])("reports %s", (yaml, expected) => {
    const problems = problemsOf(withActions(yaml));
    expect(
      problems.some((p) => p.startsWith(expected)),
      problems.join("\n"),
    ).toBe(true);
  });

  it("requires the jenkins connection for a jenkins action, naming the action", () => {
    expect(problemsOf(withActions("- jenkins: { job: web }", ""))).toEqual([
      "pipelines[0].on.success[0].jenkins: needs the top-level jenkins setting (url, user, token or password)",
    ]);
  });

  it.each([
    [
      "callbacks: { allowedHosts: ['https://x/path'] }",
      "callbacks.allowedHosts[0]: must be a host",
    ],
    ["callbacks: { allowedHosts: ['ftp://x'] }", "callbacks.allowedHosts[0]: must be a host"],
    ["publicUrl: pushgate.example", "publicUrl: must be an http(s) URL"],
    ["actions: { attempts: 0 }", "actions.attempts: must be greater than or equal to 1"],
    ["actions: { backoff: later }", "actions.backoff: must be a duration"],
  ])("reports %s", (yaml, expected) => {
    const problems = problemsOf(`${AUTH}${yaml}`);
    expect(
      problems.some((p) => p.startsWith(expected)),
      problems.join("\n"),
    ).toBe(true);
  });

  it("reads callbacks, publicUrl and the call settings", () => {
    const config = parseConfig(
      `${AUTH}publicUrl: https://pushgate.example
callbacks: { allowedHosts: [registry.hub.docker.com, "http://127.0.0.1:5555"] }
actions: { timeout: 3s, attempts: 3, backoff: 200ms, maxBackoff: 2s }`,
      {},
    );
    expect(config.publicUrl).toBe("https://pushgate.example");
    expect(config.callbacks.allowedHosts).toEqual([
      "registry.hub.docker.com",
      "http://127.0.0.1:5555",
    ]);
    expect(config.actions).toEqual({
      timeoutMs: 3000,
      attempts: 3,
      backoffMs: 200,
      maxBackoffMs: 2000,
    });
  });
});

describe("docs/actions.md", () => {
  it("its actions example is a valid pipeline", () => {
    const page = readFileSync(new URL("../../../docs/actions.md", import.meta.url), "utf8");
    const example = /# Actions[\s\S]*?```yaml\n([\s\S]*?)```/.exec(page)?.[1] ?? "";
    const indented = example
      .split("\n")
      .map((line) => `    ${line}`)
      .join("\n");
    const config = parseConfig(
      `${AUTH}${JENKINS}pipelines:\n  - name: web\n    match: { repository: acme/web }\n${indented}`,
      {
        HOOK_TOKEN: "hook-token",
        WATCHTOWER_TOKEN: "wt-token",
        SLACK_WEBHOOK_URL: "https://hooks.slack.com/x",
        TEAMS_WORKFLOW_URL: "https://prod-1.westeurope.logic.azure.com/workflows/x",
        DISCORD_WEBHOOK_URL: "https://discord.com/api/webhooks/1/x",
        EVENTS_KEY: "events-key",
      },
    );
    expect(config.pipelines[0]?.on.success).toHaveLength(10);
    expect(config.pipelines[0]?.callback).toBe(true);
  });
});
