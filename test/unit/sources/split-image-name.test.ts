import { describe, expect, it } from "vitest";
import { splitImageName } from "../../../src/sources/split-image-name.js";

describe("splitImageName", () => {
  it.each([
    ["hub.harbor.com/test-webhook/debian:latest", "hub.harbor.com", "test-webhook/debian"],
    ["quay.io/dgangaia/test", "quay.io", "dgangaia/test"],
    ["ghcr.io/codertocat/hello-world:", "ghcr.io", "codertocat/hello-world"],
    ["harbor.example.com:8443/a/b/c:v1", "harbor.example.com:8443", "a/b/c"],
    ["localhost/harbor/alpine@sha256:954b378c", "localhost", "harbor/alpine"],
    ["registry:5000/team/app:v1@sha256:954b378c", "registry:5000", "team/app"],
  ])("%s → %s + %s", (name, registry, repository) => {
    expect(splitImageName(name)).toEqual({ registry, repository });
  });

  it.each(["web", "/web", "quay.io/", "quay.io/:v1", ""])("has nothing to say of %j", (name) => {
    expect(splitImageName(name)).toBeUndefined();
  });
});
