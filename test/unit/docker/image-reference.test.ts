import { describe, expect, it } from "vitest";
import { parseImageReference } from "../../../src/docker/image-reference.js";
import { resolvePull } from "../../../src/docker/resolve-pull.js";

describe("parseImageReference", () => {
  it.each([
    ["postgres:16", { registry: "docker.io", repository: "postgres", tag: "16" }],
    ["acme/web", { registry: "docker.io", repository: "acme/web" }],
    ["127.0.0.1:5000/team/db:v1", { registry: "127.0.0.1:5000", repository: "team/db", tag: "v1" }],
    ["localhost/x", { registry: "localhost", repository: "x" }],
    [
      "quay.io/org/app@sha256:abc",
      { registry: "quay.io", repository: "org/app", digest: "sha256:abc" },
    ],
  ])("reads %s as docker pull does", (text, expected) => {
    expect(parseImageReference(text)).toEqual(expected);
  });
});

describe("resolvePull", () => {
  const hub = { registry: "docker.io", tag: "1.36" };

  it("pulls Docker Hub official images from docker.io/library", () => {
    expect(resolvePull({ ...hub, repository: "busybox" }, [])).toEqual({
      repository: "docker.io/library/busybox",
      reference: "docker.io/library/busybox:1.36",
    });
  });

  it("sends docker.io images to a mirror, keeping library/ for official ones", () => {
    const registries = [
      { host: "docker.io", mirror: "127.0.0.1:5000", insecure: false, aliases: [] },
    ];
    expect(resolvePull({ ...hub, repository: "busybox" }, registries).reference).toBe(
      "127.0.0.1:5000/library/busybox:1.36",
    );
    expect(resolvePull({ ...hub, repository: "acme/web" }, registries).reference).toBe(
      "127.0.0.1:5000/acme/web:1.36",
    );
  });

  it("uses the credentials of the host pulled from, else those of the mirrored entry", () => {
    const mirrored = [
      {
        host: "docker.io",
        mirror: "m.example:5000",
        username: "bot",
        password: "pw",
        insecure: false,
        aliases: [],
      },
    ];
    expect(resolvePull({ ...hub, repository: "acme/web" }, mirrored).auth).toEqual({
      username: "bot",
      password: "pw",
      serveraddress: "m.example:5000",
    });
    const both = [
      ...mirrored,
      {
        host: "m.example:5000",
        username: "mirror-bot",
        password: "pw2",
        insecure: true,
        aliases: [],
      },
    ];
    expect(resolvePull({ ...hub, repository: "acme/web" }, both).auth?.username).toBe("mirror-bot");
    const hubLogin = [
      { host: "docker.io", username: "me", password: "tok", insecure: false, aliases: [] },
    ];
    expect(resolvePull({ ...hub, repository: "acme/web" }, hubLogin).auth?.serveraddress).toBe(
      "https://index.docker.io/v1/",
    );
  });

  it("finds a registry's entry by any of its names, and pulls from its host", () => {
    const registries = [
      {
        host: "registry.example:5000",
        aliases: ["Registry:5000"],
        username: "u",
        password: "p",
        insecure: false,
      },
    ];
    const target = resolvePull(
      { registry: "registry:5000", repository: "team/db", tag: "1" },
      registries,
    );
    expect(target.reference).toBe("registry.example:5000/team/db:1");
    expect(target.auth?.username).toBe("u");
  });

  it("pulls by digest when the reference has one, and never adds library/ elsewhere", () => {
    const target = resolvePull(
      { registry: "127.0.0.1:5000", repository: "busybox", digest: `sha256:${"a".repeat(64)}` },
      [],
    );
    expect(target.reference).toBe(`127.0.0.1:5000/busybox@sha256:${"a".repeat(64)}`);
    expect(target.auth).toBeUndefined();
  });
});
