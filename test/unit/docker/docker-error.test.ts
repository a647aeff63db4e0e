import { describe, expect, it } from "vitest";
import { engineMessage, oneLine, pullError } from "../../../src/docker/docker-error.js";

/** Errors shaped as docker-modem builds them from the engine's answers. */
const engineError = (status: number, message: string) =>
  Object.assign(new Error(`(HTTP code ${status}) server error - ${message} `), {
    statusCode: status,
    json: null,
  });

describe("pullError", () => {
  const ref = "127.0.0.1:5000/acme/web:v9";
  const host = "unix:///var/run/docker.sock";

  it.each([
    [
      engineError(404, "manifest for x not found: manifest unknown: manifest unknown"),
      "image_not_found",
      /^image not found: 127\.0\.0\.1:5000\/acme\/web:v9/,
    ],
    [
      engineError(
        500,
        'Get "http://127.0.0.1:5998/v2/": dial tcp 127.0.0.1:5998: connect: connection refused',
      ),
      "registry_unreachable",
      /^registry unreachable for .*connection refused$/,
    ],
    [
      engineError(
        500,
        'Head "http://127.0.0.1:5000/v2/acme/web/manifests/v9": no basic auth credentials',
      ),
      "registry_unauthorized",
      /^registry refused access to 127\.0\.0\.1:5000\/acme\/web:v9/,
    ],
    [
      engineError(500, "received unexpected HTTP status: 502 Bad Gateway"),
      "pull_failed",
      /^pull of .* failed: received unexpected/,
    ],
    [
      engineError(500, "unauthorized: authentication required"),
      "registry_unauthorized",
      /registries\[\]\.username\/password/,
    ],
    [
      Object.assign(new Error("connect ENOENT /nope.sock"), { code: "ENOENT" }),
      "docker_unreachable",
      /^Docker unreachable at unix:\/\/\/var\/run\/docker\.sock \(ENOENT\)$/,
    ],
  ])("classifies %s", (error, code, reason) => {
    const classified = pullError(ref, error, host);
    expect(classified.code).toBe(code);
    expect(classified.message).toMatch(reason);
  });

  it("reads the engine's message from the JSON body when there is one", () => {
    const error = Object.assign(new Error("(HTTP code 500) x - y"), { json: { message: "z" } });
    expect(engineMessage(error)).toBe("z");
  });

  it("keeps a reason on one short line", () => {
    expect(oneLine(`a\n  b\tc${"x".repeat(500)}`)).toMatch(/^a b cx+…$/);
    expect(oneLine("a".repeat(500))).toHaveLength(300);
  });
});
