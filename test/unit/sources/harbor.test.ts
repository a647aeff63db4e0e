import { describe, expect, it } from "vitest";
import { parseHarbor } from "../../../src/sources/harbor.js";
import { fixture } from "../../support/fixtures.js";
import { problemsOf } from "../../support/payload-problems.js";

const parse = (body: unknown) =>
  parseHarbor({ headers: {}, body, rawBody: Buffer.from(JSON.stringify(body)) });

describe("parseHarbor, Default format", () => {
  it("reads the documented PUSH_ARTIFACT on the host of its resource URL", () => {
    expect(parse(fixture("harbor-sample.json"))).toEqual({
      events: [
        {
          source: "harbor",
          registry: "hub.harbor.com",
          repository: "test-webhook/debian",
          tag: "latest",
          digest: "sha256:8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8",
          pushedAt: new Date(1586922308 * 1000),
          pusher: "admin",
        },
      ],
      ignored: [],
    });
  });

  it("makes one event per tagged resource and ignores resources pushed by digest", () => {
    const body = structuredClone(fixture("harbor-sample.json")) as {
      event_data: { resources: Record<string, string>[] };
    };
    const [first] = body.event_data.resources;
    if (!first) throw new Error("fixture has a resource");
    body.event_data.resources.push({ ...first, tag: "v2" }, { ...first, tag: first.digest ?? "" });
    const { events, ignored } = parse(body);
    expect(events.map((e) => e.tag)).toEqual(["latest", "v2"]);
    expect(ignored).toEqual(["event_data.resources[2]: pushed by digest (no tag)"]);
  });

  it.each(["PULL_ARTIFACT", "DELETE_ARTIFACT", "SCANNING_COMPLETED", "QUOTA_WARNING"])(
    "acknowledges %s without a push",
    (type) => {
      const body = { ...fixture("harbor-sample.json"), type };
      expect(parse(body)).toEqual({ events: [], ignored: [`harbor event ${type}`] });
    },
  );
});

describe("parseHarbor, CloudEvents format", () => {
  it("ignores the documented push by digest (Harbor repeats the digest as tag)", () => {
    expect(parse(fixture("harbor-docs-cloudevents-push-by-digest.json"))).toEqual({
      events: [],
      ignored: ["data.resources[0]: pushed by digest (no tag)"],
    });
  });

  it("reads a tagged harbor.artifact.pushed, timed by the CloudEvent", () => {
    const body = structuredClone(fixture("harbor-docs-cloudevents-push-by-digest.json")) as {
      data: { resources: Record<string, string>[] };
    };
    body.data.resources[0] = {
      digest: "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4",
      tag: "3.18",
      resource_url: "harbor.example.com:8443/harbor/alpine:3.18",
    };
    expect(parse(body).events).toEqual([
      {
        source: "harbor",
        registry: "harbor.example.com:8443",
        repository: "harbor/alpine",
        tag: "3.18",
        digest: "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4",
        pushedAt: new Date("2023-04-03T06:04:46Z"),
        pusher: "harbor-jobservice",
      },
    ]);
  });

  it("acknowledges the documented pull without a push", () => {
    expect(parse(fixture("harbor-cloudevents-sample.json"))).toEqual({
      events: [],
      ignored: ["harbor event harbor.artifact.pulled"],
    });
  });
});

describe("parseHarbor on bad payloads", () => {
  const sample = () =>
    structuredClone(fixture("harbor-sample.json")) as {
      event_data: { resources: Record<string, string>[]; repository: Record<string, unknown> };
    };

  it("names a missing type", () => {
    expect(problemsOf(() => parse({ event_data: {} }))).toEqual([
      { path: "type", message: "required" },
    ]);
  });

  it("names a repository that breaks the grammar", () => {
    const body = sample();
    body.event_data.repository.repo_full_name = "Test-Webhook/Debian";
    expect(problemsOf(() => parse(body))[0]?.path).toBe("event_data.repository.repo_full_name");
  });

  it.each([
    ["tag", "bad tag"],
    ["digest", "sha256:abc"],
  ])("names resources[0].%s = %j", (field, value) => {
    const body = sample();
    const resource = body.event_data.resources[0];
    if (resource) resource[field] = value;
    expect(problemsOf(() => parse(body))[0]?.path).toBe(`event_data.resources[0].${field}`);
  });

  it("names a resource URL that does not say which registry", () => {
    const body = sample();
    const resource = body.event_data.resources[0];
    if (resource) resource.resource_url = "http://a b/c";
    expect(problemsOf(() => parse(body))).toEqual([
      {
        path: "event_data.resources[0].resource_url",
        message: "must name the image as host/repository:tag",
      },
    ]);
  });
});
