import { describe, expect, it } from "vitest";
import { PayloadError } from "../../../src/sources/payload-error.js";
import { parseDockerHub } from "../../../src/sources/dockerhub.js";
import { fixture } from "../../support/fixtures.js";

const parse = (body: unknown) =>
  parseDockerHub({ headers: {}, body, rawBody: Buffer.from(JSON.stringify(body)) });

function problemsOf(body: unknown): { path: string; message: string }[] {
  try {
    parse(body);
  } catch (error) {
    if (error instanceof PayloadError) return [...error.problems];
    throw error;
  }
  throw new Error("expected a PayloadError");
}

describe("parseDockerHub on documented payloads", () => {
  it("reads the current documented shape (with push_data.tag)", () => {
    const { events, ignored } = parse(fixture("dockerhub-docs.json"));
    expect(ignored).toEqual([]);
    expect(events).toEqual([
      {
        source: "dockerhub",
        registry: "docker.io",
        repository: "svendowideit/testhook",
        tag: "latest",
        pushedAt: new Date(1417566161 * 1000),
        pusher: "trustedbuilder",
        callbackUrl:
          "https://registry.hub.docker.com/u/svendowideit/testhook/hook/2141b5bi5i5b02bec211i4eeih0242eg11000a/",
      },
    ]);
  });

  it("reads the 2017 shape: images list and float timestamps", () => {
    const [event] = parse(fixture("dockerhub-docs-legacy-2017.json")).events;
    expect(event?.pushedAt.toISOString()).toBe("2014-12-03T00:22:41.000Z");
    expect(event?.tag).toBe("latest");
  });

  it("reads keel's sample with a version tag and an empty images list", () => {
    const [event] = parse(fixture("dockerhub-sample.json")).events;
    expect(event).toMatchObject({ repository: "karolisr/keel", tag: "0.1.7", pusher: "karolisr" });
    expect(event?.pushedAt.getTime()).toBe(1497467660 * 1000);
  });

  it("defaults the tag to latest when push_data has none (the Jenkins plugin's payloads)", () => {
    const own = parse(fixture("jenkins-plugin-own-repository-payload.json")).events[0];
    expect(own).toMatchObject({ repository: "csanchez/jenkins-swarm-slave", tag: "latest" });
  });

  it("keeps an official image's short name as Docker Hub sends it", () => {
    const [event] = parse(fixture("jenkins-plugin-public-repository-payload.json")).events;
    expect(event).toMatchObject({ registry: "docker.io", repository: "busybox", tag: "latest" });
  });

  it("accepts a minimal payload and a null tag; push time defaults to now", () => {
    const before = Date.now();
    const [event] = parse({
      push_data: { tag: null },
      repository: { repo_name: "acme/web" },
    }).events;
    expect(event?.tag).toBe("latest");
    expect(event?.pushedAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(event).not.toHaveProperty("callbackUrl");
    expect(event).not.toHaveProperty("pusher");
  });
});

describe("parseDockerHub on bad payloads", () => {
  it("names a missing repository.repo_name", () => {
    expect(problemsOf({ push_data: { tag: "v1" }, repository: {} })).toEqual([
      { path: "repository.repo_name", message: "required" },
    ]);
  });

  it("names every problem at once", () => {
    const paths = problemsOf({
      push_data: { tag: 7, pushed_at: "yesterday" },
      repository: { repo_name: 1 },
    }).map((p) => p.path);
    expect(paths.sort()).toEqual(["push_data.pushed_at", "push_data.tag", "repository.repo_name"]);
  });

  it.each([
    ["../x", "repository.repo_name"],
    ["a;rm -rf /", "repository.repo_name"],
    ["Acme/Web", "repository.repo_name"],
    ["acme//web", "repository.repo_name"],
  ])("refuses repository %j", (name, path) => {
    expect(problemsOf({ push_data: { tag: "v1" }, repository: { repo_name: name } })[0]?.path).toBe(
      path,
    );
  });

  it.each(["-v1", ".hidden", "a b", "$(id)", "x".repeat(129), ""])("refuses tag %j", (tag) => {
    expect(problemsOf({ push_data: { tag }, repository: { repo_name: "acme/web" } })[0]?.path).toBe(
      "push_data.tag",
    );
  });

  it("refuses a callback_url that is not http(s)", () => {
    const body = { ...fixture("dockerhub-docs.json"), callback_url: "file:///etc/passwd" };
    expect(problemsOf(body)[0]?.path).toBe("callback_url");
  });

  it.each([null, [], "text", 42])("refuses a body that is %j", (body) => {
    expect(problemsOf(body)[0]?.path).toBe("(root)");
  });
});
