import { describe, expect, it } from "vitest";
import { parseHarbor } from "../../../src/sources/harbor.js";
import { MAX_PAYLOAD_ITEMS } from "../../../src/sources/joi-payload-rules.js";
import { parseQuay } from "../../../src/sources/quay.js";
import { parseRegistryV2 } from "../../../src/sources/registry-v2.js";
import type { ParseSource } from "../../../src/sources/source.js";
import { MAX_PROBLEMS } from "../../../src/sources/validate-payload.js";
import { fixture } from "../../support/fixtures.js";
import { problemsOf } from "../../support/payload-problems.js";

const via = (parse: ParseSource) => (body: unknown) =>
  parse({ headers: {}, body, rawBody: Buffer.from(JSON.stringify(body)) });

const tagPush = (timestamp: string) => ({
  events: [
    {
      action: "push",
      timestamp,
      target: {
        mediaType: "application/vnd.docker.distribution.manifest.v2+json",
        digest: `sha256:${"2".repeat(64)}`,
        repository: "team/app",
        tag: "v9",
      },
      request: { host: "registry:5000" },
    },
  ],
});

describe("times a sender gives are times JavaScript can read", () => {
  it("refuses a distribution event time with a two-digit offset, naming it", () => {
    expect(problemsOf(() => via(parseRegistryV2)(tagPush("2024-01-01T10:00:00+01")))).toEqual([
      {
        path: "events[0].timestamp",
        message: "must be an ISO 8601 time such as 2024-01-01T10:00:00Z",
      },
    ]);
  });

  it("reads the registry's own form, with nanoseconds and an offset", () => {
    const { events } = via(parseRegistryV2)(tagPush("2024-01-01T10:00:00.123456789+01:00"));
    expect(events[0]?.pushedAt.toISOString()).toBe("2024-01-01T09:00:00.123Z");
  });

  it("refuses such a time in a Harbor CloudEvent", () => {
    const body = structuredClone(fixture("harbor-cloudevents-sample.json")) as { time: string };
    body.time = "2023-04-03T06:04:46+01";
    expect(problemsOf(() => via(parseHarbor)(body)).map((p) => p.path)).toEqual(["time"]);
  });
});

describe("arrays in a payload are bounded before their items are checked", () => {
  it("refuses 200,000 registry events with one problem", () => {
    const body = { events: Array<number>(200_000).fill(1) };
    expect(problemsOf(() => via(parseRegistryV2)(body))).toEqual([
      { path: "events", message: `must contain less than or equal to ${MAX_PAYLOAD_ITEMS} items` },
    ]);
  });

  it("refuses too many Quay tags and Harbor resources", () => {
    const quay = {
      docker_url: "quay.io/acme/web",
      updated_tags: Array<string>(MAX_PAYLOAD_ITEMS + 1).fill("v1"),
    };
    expect(problemsOf(() => via(parseQuay)(quay)).map((p) => p.path)).toEqual(["updated_tags"]);
    const harbor = structuredClone(fixture("harbor-sample.json")) as {
      event_data: { resources: unknown[] };
    };
    harbor.event_data.resources = Array<unknown>(MAX_PAYLOAD_ITEMS + 1).fill({});
    expect(problemsOf(() => via(parseHarbor)(harbor)).map((p) => p.path)).toEqual([
      "event_data.resources",
    ]);
  });

  it("still names every bad item up to the bound, listing at most MAX_PROBLEMS", () => {
    const body = { docker_url: "quay.io/acme/web", updated_tags: Array<string>(120).fill("-bad") };
    const problems = problemsOf(() => via(parseQuay)(body));
    expect(problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(problems[0]?.path).toBe("updated_tags[0]");
    expect(problems.at(-1)).toEqual({
      path: "(root)",
      message: `and ${120 - MAX_PROBLEMS} more problems`,
    });
  });

  it("takes a full batch of valid events", () => {
    const one = tagPush("2024-01-01T10:00:00Z").events[0];
    const body = { events: Array<unknown>(MAX_PAYLOAD_ITEMS).fill(one) };
    expect(via(parseRegistryV2)(body).events).toHaveLength(MAX_PAYLOAD_ITEMS);
  });
});
