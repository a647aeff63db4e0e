import { describe, expect, it } from "vitest";
import type { PushEvent } from "../../../src/sources/push-event.js";
import { parseRegistryV2 } from "../../../src/sources/registry-v2.js";
import { fixture } from "../../support/fixtures.js";
import { problemsOf } from "../../support/payload-problems.js";

const parse = (body: unknown) =>
  parseRegistryV2({ headers: {}, body, rawBody: Buffer.from(JSON.stringify(body)) });

/** Every envelope of a captured session, parsed in the order the registry sent them. */
function parseSession(name: string): { events: PushEvent[]; ignored: string[] } {
  const { received } = fixture(name) as { received: unknown[] };
  const results = received.map(parse);
  return {
    events: results.flatMap((r) => r.events),
    ignored: results.flatMap((r) => r.ignored),
  };
}

describe("parseRegistryV2 on what Debian's docker-registry 2.8 really sends", () => {
  it("turns one docker push (7 envelopes) into exactly one push event", () => {
    const { events, ignored } = parseSession("registry-2.8-debian-captured-push.json");
    expect(events).toEqual([
      {
        source: "registry",
        registry: "127.0.0.1:45999",
        repository: "team/app",
        tag: "v1",
        digest: "sha256:65c19fca2602ea22c1932c18aabaf50dedd65fa78ce165cd761e36033ce0bf62",
        pushedAt: new Date("2026-11-22T19:43:44.720Z"),
      },
    ]);
    expect(ignored).toEqual([
      "events[0]: blob push to team/app",
      "events[0]: pull of team/app",
      "events[0]: blob push to team/app",
      "events[0]: pull of team/app",
      "events[0]: blob push to team/app",
      "events[0]: pull of team/app",
    ]);
  });

  it("turns a multi-arch list push into one event for the tagged list, not its children", () => {
    const { events, ignored } = parseSession("registry-2.8-debian-captured-multiarch-push.json");
    expect(events.map((e) => `${e.repository}:${e.tag}@${e.digest ?? ""}`)).toEqual([
      "team/multi:v3@sha256:959671b27412601d916dd4fcd1530f314dda8314f6adc487a3cb594c499c8812",
    ]);
    expect(ignored.filter((r) => r.includes("manifest pushed by digest"))).toHaveLength(2);
    expect(ignored.filter((r) => r.includes("mount of team/multi"))).toHaveLength(6);
  });

  it("ignores a delete even though it names a tag", () => {
    expect(parse(fixture("registry-2.8-debian-captured-tag-delete.json"))).toEqual({
      events: [],
      ignored: ["events[0]: delete of team/app"],
    });
  });
});

describe("parseRegistryV2 on published samples", () => {
  it("reads a GitLab registry push (keel's sample), with the actor as pusher", () => {
    expect(parse(fixture("registry-v2-sample.json")).events).toEqual([
      {
        source: "registry",
        registry: "registry.git.erxes.io",
        repository: "foo/bar",
        tag: "1.6.1",
        digest: "sha256:4afff550708506c5b8b7384ad10d401a02b29ed587cb2730cb02753095b5178d",
        pushedAt: new Date("2018-10-11T13:53:21.859Z"),
        pusher: "foo",
      },
    ]);
  });

  it("ignores every event of the distribution registry's own test envelope (no tag anywhere)", () => {
    expect(parse(fixture("registry-v2-distribution-test.json"))).toEqual({
      events: [],
      ignored: [
        "events[0]: manifest pushed by digest to library/test (no tag)",
        "events[1]: blob push to library/test",
        "events[2]: blob push to library/test",
      ],
    });
  });

  it.each([
    ["jenkins-plugin-private-registry-payload-1-repository.json", 1],
    ["jenkins-plugin-private-registry-payload-2-repositories.json", 2],
    ["jenkins-plugin-private-registry-payload-blob-1-repository.json", 2],
    ["jenkins-plugin-private-registry-payload-pull-1-repository.json", 2],
  ])("acknowledges the Jenkins plugin's %s without a push", (name, count) => {
    const { events, ignored } = parse(fixture(name));
    expect(events).toEqual([]);
    expect(ignored).toHaveLength(count);
  });
});

describe("parseRegistryV2 on bad envelopes", () => {
  const tagged = () =>
    structuredClone(fixture("registry-2.8-debian-captured-manifest-push.json")) as {
      events: Record<string, Record<string, unknown>>[];
    };

  it.each([
    [null, "(root)"],
    [[], "(root)"],
    ["text", "(root)"],
    [{ events: {} }, "events"],
  ])("refuses %j, naming %s", (body, path) => {
    expect(problemsOf(() => parse(body))[0]?.path).toBe(path);
  });

  it("reads an envelope without events (registry 3 omits an empty list) as an empty batch", () => {
    expect(parse({})).toEqual({ events: [], ignored: [] });
  });

  it("refuses an event without an action", () => {
    expect(problemsOf(() => parse({ events: [{ target: {} }] }))).toEqual([
      { path: "events[0].action", message: "required" },
    ]);
  });

  it.each([
    ["repository", "Team/App"],
    ["repository", "../etc"],
    ["tag", "-v1"],
    ["tag", "$(id)"],
    ["digest", "sha256:0123"],
  ])("refuses a tagged manifest push whose target.%s is %j", (field, value) => {
    const body = tagged();
    const event = body.events[0];
    if (event?.target) event.target[field] = value;
    expect(problemsOf(() => parse(body))[0]?.path).toBe(`events[0].target.${field}`);
  });

  it("needs the digest and the registry host of a tagged manifest push", () => {
    const body = tagged();
    const event = body.events[0];
    if (event?.target) delete event.target.digest;
    if (event?.request) event.request.host = "not a host";
    expect(problemsOf(() => parse(body))).toEqual([
      { path: "events[0].target.digest", message: "required" },
      {
        path: "events[0].request.host",
        message: "must be a registry host such as registry.example.com:5000",
      },
    ]);
  });
});

describe("parseRegistryV2 reads the request host as DNS does", () => {
  const envelopeFor = (host: string) => ({
    events: [
      {
        action: "push",
        timestamp: "2024-01-01T10:00:00Z",
        target: {
          mediaType: "application/vnd.docker.distribution.manifest.v2+json",
          digest: `sha256:${"3".repeat(64)}`,
          repository: "team/app",
          tag: "v1",
        },
        request: { host },
      },
    ],
  });

  it.each([
    ["Registry.Example.com:5000", "registry.example.com:5000"],
    ["registry.example.com.:5000", "registry.example.com:5000"],
    ["registry.example.com.", "registry.example.com"],
    ["127.0.0.1:5000", "127.0.0.1:5000"],
  ])("%s → %s", (host, registry) => {
    expect(parse(envelopeFor(host)).events[0]?.registry).toBe(registry);
  });

  it("still names a host that is none", () => {
    expect(problemsOf(() => parse(envelopeFor("a b")))).toEqual([
      {
        path: "events[0].request.host",
        message: "must be a registry host such as registry.example.com:5000",
      },
    ]);
  });
});
