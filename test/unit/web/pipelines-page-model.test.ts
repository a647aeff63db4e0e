import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/load-config.js";
import { pipelinesPageModel } from "../../../src/web/models/pipelines-page-model.js";
import { NOW, runRecord } from "./run-records.js";

const config = parseConfig(
  `auth: { webhookTokens: [hook-token-1], apiToken: api-token-1 }
jenkins: { url: "https://jenkins.example", user: bot, token: secret-token }
pipelines:
  - name: web
    match: { repository: ["acme/web", "acme/api"], tags: ["v*"], sources: [dockerhub] }
    test:
      command: ["sh", "-c", "make test"]
      timeout: 90s
      resources: { memory: 256m, cpus: 0.5, pids: 64 }
      services: [{ name: db, image: "postgres:16", wait: { tcp: 5432 } }]
    on:
      success: [{ jenkins: { job: deploy/web } }]
      failure: [{ slack: { url: "https://hooks.slack.com/services/T0/B0/secretpart" } }]
    concurrency: 1
    supersede: queued
    badge: true
  - { name: docs, match: { repository: acme/docs } }`,
  {},
);

describe("pipelinesPageModel", () => {
  it("describes each pipeline without its secrets, with its latest runs", () => {
    const latest = runRecord("passed");
    const page = pipelinesPageModel({
      pipelines: config.pipelines,
      recent: new Map([["web", [latest]]]),
      queue: { paused: true, queued: 3, executing: 1 },
      publicUrl: "https://pushgate.example/",
      notice: "paused",
      now: NOW,
    });
    const [web, docs] = page.pipelines;
    expect(web).toMatchObject({
      name: "web",
      match: { repositories: ["acme/web", "acme/api"], tags: ["v*"], sources: ["dockerhub"] },
      test: {
        command: 'sh -c "make test"',
        timeout: "1 min 30 s",
        network: "none",
        resources: "256 MiB memory, 0.5 CPU, 64 processes",
        services: ["db (postgres:16)"],
      },
      actions: [
        { when: "on success", items: [{ kind: "jenkins", target: "deploy/web" }] },
        { when: "on failure", items: [{ kind: "slack", target: "https://hooks.slack.com" }] },
      ],
      concurrency: "1 at a time",
      supersede: "queued runs of an image pushed again",
      badge: {
        href: "/badges/web.svg",
        markdown: "![web](https://pushgate.example/badges/web.svg)",
      },
    });
    expect(web?.recent.map((r) => r.id)).toEqual([latest.id]);
    expect(JSON.stringify(page)).not.toContain("secretpart");
    expect(docs).toMatchObject({
      test: { command: null, compose: [] },
      actions: [],
      concurrency: "within docker.concurrency",
      supersede: "never",
      badge: null,
      recent: [],
    });
    expect(page.queue).toEqual({ paused: true, queued: 3, executing: 1 });
    expect(page.notice).toContain("Paused");
  });

  it("names a pipeline's Compose test files", () => {
    const [, docs] = config.pipelines;
    if (!docs) throw new Error("no pipeline docs");
    const compose = [
      { path: "docker-compose.test.yml", text: "" },
      { path: "tests/more.test.yml", text: "" },
    ];
    const page = pipelinesPageModel({
      pipelines: [{ ...docs, test: { ...docs.test, compose } }],
      recent: new Map(),
      queue: { paused: false, queued: 0, executing: 0 },
      now: NOW,
    });
    expect(page.pipelines[0]?.test).toMatchObject({
      command: null,
      compose: ["docker-compose.test.yml", "tests/more.test.yml"],
    });
  });

  it("gives a badge's path alone until publicUrl names pushgate's address", () => {
    const page = pipelinesPageModel({
      pipelines: config.pipelines,
      recent: new Map(),
      queue: { paused: false, queued: 0, executing: 0 },
      now: NOW,
    });
    expect(page.pipelines[0]?.badge).toEqual({ href: "/badges/web.svg", markdown: null });
  });
});
