import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/load-config.js";
import { compilePipelineMatcher } from "../../../src/pipeline/match-pipelines.js";
import type { PushEvent } from "../../../src/sources/push-event.js";

const config = parseConfig(
  `auth: { webhookTokens: [hook-token-1], apiToken: api-token-1 }
pipelines:
  - { name: web, match: { repository: acme/web, tags: ["latest", "v*"] } }
  - { name: acme-all, match: { repository: "acme/*" } }
  - { name: deep, match: { repository: "acme/**", tags: "release-*" } }
  - { name: busybox, match: { repository: busybox } }
  - { name: local, match: { repository: "127.0.0.1:5000/team/*" } }
  - { name: hub-only, match: { repository: "team/*", sources: [dockerhub] } }
`,
  {},
);
const match = compilePipelineMatcher(config.pipelines);

const event = (repository: string, tag: string, extra: Partial<PushEvent> = {}): PushEvent => ({
  source: "dockerhub",
  registry: "docker.io",
  repository,
  tag,
  pushedAt: new Date(0),
  ...extra,
});
const names = (e: PushEvent) => match(e).map((p) => p.name);

describe("matchPipelines", () => {
  it("matches repository and tag globs", () => {
    expect(names(event("acme/web", "latest"))).toEqual(["web", "acme-all"]);
    expect(names(event("acme/web", "v2.1"))).toEqual(["web", "acme-all"]);
    expect(names(event("acme/web", "dev"))).toEqual(["acme-all"]);
  });

  it("keeps * to one path level and ** to any depth", () => {
    expect(names(event("acme/team/web", "latest"))).toEqual([]);
    expect(names(event("acme/team/web", "release-1"))).toEqual(["deep"]);
  });

  it("treats library/busybox and busybox as the same Docker Hub repository", () => {
    expect(names(event("busybox", "latest"))).toEqual(["busybox"]);
    expect(names(event("library/busybox", "latest"))).toEqual(["busybox"]);
  });

  it("matches other registries by host/repository", () => {
    const local = { source: "registry" as const, registry: "127.0.0.1:5000" };
    expect(names(event("team/api", "latest", local))).toEqual(["local"]);
    expect(names(event("team/api", "latest"))).toEqual(["hub-only"]);
  });

  it("honours the source restriction", () => {
    expect(names(event("team/api", "latest", { source: "quay", registry: "quay.io" }))).toEqual([]);
  });

  it("matches nothing for an unknown repository", () => {
    expect(names(event("other/thing", "latest"))).toEqual([]);
  });
});
