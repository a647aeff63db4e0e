import { describe, expect, it } from "vitest";
import { parseQuay } from "../../../src/sources/quay.js";
import { fixture } from "../../support/fixtures.js";
import { problemsOf } from "../../support/payload-problems.js";

const parse = (body: unknown) =>
  parseQuay({ headers: {}, body, rawBody: Buffer.from(JSON.stringify(body)) });

describe("parseQuay", () => {
  it("reads the documented repository push on the host of docker_url", () => {
    const before = Date.now();
    const { events, ignored } = parse(fixture("quay-sample.json"));
    expect(ignored).toEqual([]);
    expect(events).toEqual([
      {
        source: "quay",
        registry: "quay.io",
        repository: "dgangaia/test",
        tag: "latest",
        pushedAt: expect.any(Date) as Date,
      },
    ]);
    expect(events[0]?.pushedAt.getTime()).toBeGreaterThanOrEqual(before);
  });

  it("makes one event per updated tag (keel's payload, then two tags on a private Quay)", () => {
    expect(parse(fixture("quay-keel-test.json")).events.map((e) => e.tag)).toEqual(["1.2.3"]);
    const body = {
      ...fixture("quay-keel-test.json"),
      docker_url: "quay.internal:8443/team/web",
      updated_tags: ["latest", "v2"],
    };
    expect(parse(body).events.map((e) => `${e.registry}/${e.repository}:${e.tag}`)).toEqual([
      "quay.internal:8443/team/web:latest",
      "quay.internal:8443/team/web:v2",
    ]);
  });

  it("acknowledges notifications that are not pushes (no updated_tags)", () => {
    const build = { ...fixture("quay-sample.json"), updated_tags: undefined, build_id: "x" };
    expect(parse(build)).toEqual({
      events: [],
      ignored: ["quay notification without updated_tags (not a push)"],
    });
  });

  it("names a bad tag by its index, and a docker_url without a registry", () => {
    expect(
      problemsOf(() => parse({ ...fixture("quay-sample.json"), updated_tags: ["ok", "-bad"] })),
    ).toEqual([
      { path: "updated_tags[1]", message: "must be a tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}" },
    ]);
    expect(problemsOf(() => parse({ ...fixture("quay-sample.json"), docker_url: "web" }))).toEqual([
      { path: "docker_url", message: "must name the repository as host/namespace/name" },
    ]);
  });
});
