import { describe, expect, it } from "vitest";
import { parseAcr } from "../../../src/sources/acr.js";
import { fixture } from "../../support/fixtures.js";
import { problemsOf } from "../../support/payload-problems.js";

const parse = (body: unknown) =>
  parseAcr({ headers: {}, body, rawBody: Buffer.from(JSON.stringify(body)) });

describe("parseAcr", () => {
  it("reads the documented image push (2017 reference) on the registry's own host", () => {
    expect(parse(fixture("acr-docs-2017-push.json"))).toEqual({
      events: [
        {
          source: "acr",
          registry: "myregistry.azurecr.io",
          repository: "hello-world",
          tag: "v1",
          digest: "sha256:80f0d5c8786bb9e621a45ece0db56d11cdc624ad20da9fe62e9d25490f331d7d",
          pushedAt: new Date("2017-11-17T16:52:01.343Z"),
        },
      ],
      ignored: [],
    });
  });

  it("reads the Jenkins plugin's ACR payload", () => {
    const [event] = parse(fixture("jenkins-plugin-acr-payload-valid.json")).events;
    expect(event).toMatchObject({ registry: "myregistry.azurecr.io", tag: "v1", source: "acr" });
  });

  it.each([
    ["acr-docs-2017-delete.json", "delete of hello-world"],
    ["acr-docs-chart-push.json", "chart_push of repo"],
  ])("acknowledges %s without a push", (name, reason) => {
    expect(parse(fixture(name))).toEqual({ events: [], ignored: [reason] });
  });

  it("acknowledges an action it does not know, such as the portal's ping", () => {
    expect(parse({ id: "x", action: "ping" })).toEqual({ events: [], ignored: ["ping"] });
  });

  it("refuses the current reference's example, whose digest is redacted, naming the field", () => {
    expect(problemsOf(() => parse(fixture("acr-docs-push-redacted.json")))).toEqual([
      { path: "target.digest", message: "must be a digest such as sha256:<64 hex digits>" },
    ]);
  });

  it("refuses a body that is not an event", () => {
    expect(problemsOf(() => parse({ target: {} }))).toEqual([
      { path: "action", message: "required" },
    ]);
  });
});
