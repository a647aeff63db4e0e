import { describe, expect, it } from "vitest";
import { parseGhcr } from "../../../src/sources/ghcr.js";
import { fixture } from "../../support/fixtures.js";
import { problemsOf } from "../../support/payload-problems.js";

const parse = (event: string | undefined, body: unknown) =>
  parseGhcr({
    headers: event === undefined ? {} : { "x-github-event": event },
    body,
    rawBody: Buffer.from(JSON.stringify(body)),
  });

/** The captured `package` payload, its package moved under another key (registry_package). */
function asRegistryPackage(): Record<string, unknown> {
  const { package: pkg, ...rest } = fixture("ghcr-keel-captured.json");
  return { ...rest, action: "published", registry_package: pkg };
}

const CAPTURED_EVENT = {
  source: "ghcr",
  registry: "ghcr.io",
  repository: "utaitebox/utaitebox-server",
  tag: "3.2.1",
  digest: "sha256:7d3848ba2f2e7f69bebb4b576e5fad0379b64a0b1512aee6ad0ec9e7c6319fed",
  pusher: "DingGGu",
};

describe("parseGhcr", () => {
  it("reads a captured tagged container version: ghcr.io/<namespace>/<name>, lower case", () => {
    const { events, ignored } = parse("package_v2", fixture("ghcr-keel-captured.json"));
    expect(ignored).toEqual([]);
    expect(events).toEqual([{ ...CAPTURED_EVENT, pushedAt: expect.any(Date) as Date }]);
  });

  it("reads the same version announced as registry_package", () => {
    expect(parse("registry_package", asRegistryPackage()).events).toMatchObject([CAPTURED_EVENT]);
  });

  it("takes the image name from package_version.package_url when GitHub sends it", () => {
    const body = structuredClone(asRegistryPackage()) as {
      registry_package: { package_version: Record<string, unknown> };
    };
    body.registry_package.package_version.package_url = "ghcr.io/UtaiteBOX/Server:3.2.1";
    expect(parse("registry_package", body).events[0]).toMatchObject({
      registry: "ghcr.io",
      repository: "utaitebox/server",
      tag: "3.2.1",
    });
  });

  it("ignores the untagged version of octokit's example (a multi-arch child, say)", () => {
    expect(parse("package", fixture("ghcr-sample.json"))).toEqual({
      events: [],
      ignored: ["package hello-world-npm: untagged version"],
    });
  });

  it.each([
    ["ping", {}, "github ping"],
    ["push", {}, "github event push"],
    ["package", { ...fixture("ghcr-keel-captured.json"), action: "deleted" }, "package deleted"],
  ])("acknowledges %s without a push", (event, body, reason) => {
    expect(parse(event, body)).toEqual({ events: [], ignored: [reason] });
  });

  it("ignores packages that are not containers", () => {
    const body = structuredClone(fixture("ghcr-keel-captured.json")) as {
      package: Record<string, unknown>;
    };
    body.package.ecosystem = "npm";
    expect(parse("package", body).ignored).toEqual([
      "package utaitebox-server is not a container package",
    ]);
  });

  it("needs X-GitHub-Event, and names a tag or digest that breaks the grammar", () => {
    expect(problemsOf(() => parse(undefined, {}))).toEqual([
      { path: "X-GitHub-Event", message: "header required" },
    ]);
    const body = structuredClone(fixture("ghcr-keel-captured.json")) as {
      package: { package_version: { container_metadata: { tag: Record<string, string> } } };
    };
    body.package.package_version.container_metadata.tag = { name: "$(id)", digest: "sha256:1" };
    expect(problemsOf(() => parse("package", body)).map((p) => p.path)).toEqual([
      "package.package_version.container_metadata.tag.name",
      "package.package_version.container_metadata.tag.digest",
    ]);
  });

  it("names a package without a name", () => {
    expect(problemsOf(() => parse("package", { action: "published", package: {} }))).toEqual([
      { path: "package.name", message: "required" },
    ]);
  });
});
