import { describe, expect, it } from "vitest";
import { redeployRequestOf } from "../../../src/actions/redeploy.js";
import type { RedeployActionConfig } from "../../../src/config/config.js";
import { templateValuesOf } from "../../../src/actions/template-values-of.js";
import { DIGEST, outcomeOf } from "../../support/outcomes.js";

const values = templateValuesOf(outcomeOf({ event: { repository: "acme/web", tag: "v2" } }));
const spec = (over: Partial<RedeployActionConfig>): RedeployActionConfig => ({
  preset: "generic",
  url: "https://hooks.example/redeploy/abc",
  method: "POST",
  headers: {},
  updateTag: false,
  ...over,
});

describe("redeployRequestOf", () => {
  it("generic: method, templated URL, headers and JSON body", () => {
    expect(
      redeployRequestOf(
        spec({
          url: "https://hooks.example/deploy/{{tag}}",
          method: "PUT",
          headers: { "X-Image": "{{image}}" },
          body: { image: "{{repository}}", digest: "{{digest}}", replicas: 2 },
        }),
        values,
      ),
    ).toEqual({
      method: "PUT",
      url: "https://hooks.example/deploy/v2",
      headers: { "content-type": "application/json", "X-Image": `acme/web@${DIGEST}` },
      body: JSON.stringify({ image: "acme/web", digest: DIGEST, replicas: 2 }),
    });
  });

  it("generic without a body sends none", () => {
    expect(redeployRequestOf(spec({}), values)).toEqual({
      method: "POST",
      url: "https://hooks.example/redeploy/abc",
      headers: {},
    });
  });

  it("watchtower: /v1/update?image=<repository> with its Bearer token", () => {
    expect(
      redeployRequestOf(
        spec({ preset: "watchtower", url: "http://watchtower:8080/", token: "t0k" }),
        values,
      ),
    ).toEqual({
      method: "POST",
      url: "http://watchtower:8080/v1/update?image=acme%2Fweb",
      headers: { authorization: "Bearer t0k" },
    });
  });

  it("portainer: the service webhook, ?tag= only when asked to move the tag", () => {
    const url = "https://portainer:9443/api/webhooks/638e6967-ef77-4906-8af8-236800621360";
    expect(redeployRequestOf(spec({ preset: "portainer", url }), values).url).toBe(url);
    expect(redeployRequestOf(spec({ preset: "portainer", url, updateTag: true }), values).url).toBe(
      `${url}?tag=v2`,
    );
  });

  it("keel: the native webhook with name and tag", () => {
    expect(redeployRequestOf(spec({ preset: "keel", url: "http://keel:9300" }), values)).toEqual({
      method: "POST",
      url: "http://keel:9300/v1/webhooks/native",
      headers: { "content-type": "application/json" },
      body: '{"name":"acme/web","tag":"v2"}',
    });
  });

  it("dockercloud: a plain POST to the trigger URL", () => {
    const url = "https://cloud.docker.com/api/app/v1/service/abc/trigger/def/call/";
    expect(redeployRequestOf(spec({ preset: "dockercloud", url }), values)).toEqual({
      method: "POST",
      url,
      headers: {},
    });
  });
});
