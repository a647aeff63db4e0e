import { describe, expect, it } from "vitest";
import { parseImageReference } from "../../../src/cli/parse-image-reference.js";

describe("parseImageReference", () => {
  it("reads Docker Hub names as docker pull does, tag defaulting to latest", () => {
    expect(parseImageReference("acme/web:v1.2")).toEqual({
      registry: "docker.io",
      repository: "acme/web",
      tag: "v1.2",
    });
    expect(parseImageReference("busybox")).toEqual({
      registry: "docker.io",
      repository: "busybox",
      tag: "latest",
    });
    expect(parseImageReference("docker.io/library/busybox:1")).toEqual({
      registry: "docker.io",
      repository: "library/busybox",
      tag: "1",
    });
  });

  it("takes a first component with a dot, a port or localhost as the registry", () => {
    expect(parseImageReference("registry.example.com:5000/team/app:v1")).toEqual({
      registry: "registry.example.com:5000",
      repository: "team/app",
      tag: "v1",
    });
    expect(parseImageReference("127.0.0.1:5000/app")).toEqual({
      registry: "127.0.0.1:5000",
      repository: "app",
      tag: "latest",
    });
    expect(parseImageReference("localhost/app:dev")).toMatchObject({ registry: "localhost" });
  });

  it("names what is wrong with a reference it refuses", () => {
    expect(parseImageReference("Acme/web")).toEqual({
      error:
        'Acme/web: "Acme/web" is not a repository name (lowercase letters, digits, . _ - and /)',
    });
    expect(parseImageReference("acme/web:-bad")).toMatchObject({
      error: expect.stringContaining('"-bad" is not a tag') as unknown,
    });
    expect(parseImageReference("acme/web@sha256:abc")).toMatchObject({
      error: expect.stringContaining("not a digest") as unknown,
    });
    expect(parseImageReference("")).toHaveProperty("error");
  });
});
