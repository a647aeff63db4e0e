import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerError } from "../../../src/docker/docker-error.js";
import { EngineCalls } from "../../../src/docker/engine-calls.js";
import { ImagePromoter } from "../../../src/docker/image-promoter.js";

const TESTED = `sha256:${"a".repeat(64)}`;
const IMAGE_ID = `sha256:${"1".repeat(64)}`;
const SOURCE = {
  repository: "127.0.0.1:5000/acme/app",
  reference: `127.0.0.1:5000/acme/app@${TESTED}`,
};
const TARGET = { repository: "127.0.0.1:5000/acme/released", tag: "stable" };

/**
 * An engine on loopback that knows the tested image, not the target tag, and takes requests
 * to tag (unless told to answer them), push or untag without ever answering them: a hung
 * engine, seen through the real client.
 */
let engine: Server;
let host: string;
const requests: string[] = [];
/** Whether the tag call is answered (it is done at once, as an engine does). */
let answerTags = false;

beforeAll(async () => {
  engine = createServer((req, res) => {
    const path = (req.url ?? "").replace(/^\/v[\d.]+/, "");
    requests.push(`${req.method} ${path.split("?")[0]}`);
    if (req.method === "GET" && path.startsWith(`/images/${SOURCE.reference}/json`)) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ Id: IMAGE_ID, RepoDigests: [SOURCE.reference] }));
    } else if (req.method === "GET" && path.startsWith("/images/")) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "No such image" }));
    } else if (answerTags && req.method === "POST" && path.includes("/tag?")) {
      res.writeHead(201).end();
    }
    // Anything else (push, untag) is read and never answered.
  });
  await new Promise<void>((resolve) => engine.listen(0, "127.0.0.1", resolve));
  host = `tcp://127.0.0.1:${(engine.address() as AddressInfo).port}`;
});
afterAll(async () => {
  engine.closeAllConnections();
  await new Promise((resolve) => engine.close(resolve));
});

function promoter(): ImagePromoter {
  const port = (engine.address() as AddressInfo).port;
  const docker = new Dockerode({ host: "127.0.0.1", port, protocol: "http" });
  const pulls = { pull: () => Promise.reject(new Error("the tested image is in the engine")) };
  return new ImagePromoter(docker, new EngineCalls(host, 100), pulls);
}

describe("ImagePromoter on an engine that does not answer", () => {
  it("gives up on the tag call at docker.callTimeout, naming the call, the tag and the engine", async () => {
    const started = Date.now();
    const error = await promoter()
      .promote(SOURCE, TARGET, { timeoutMs: 60_000, signal: new AbortController().signal })
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(DockerError);
    expect(error).toMatchObject({
      code: "docker_timeout",
      message: `Docker at ${host} did not answer tag image ${TARGET.repository}:stable within 100ms (docker.callTimeout)`,
    });
    // The tested image was found by its digest, the tag asked for, nothing pushed.
    expect(requests).toEqual([
      `GET /images/${SOURCE.reference}/json`,
      `GET /images/${TARGET.repository}:stable/json`,
      `POST /images/${IMAGE_ID}/tag`,
    ]);
  });

  it("gives up on the push at its own limit (docker.pullTimeout), and tries to take the tag off again", async () => {
    requests.length = 0;
    answerTags = true;
    const started = Date.now();
    const error = await promoter()
      .promote(SOURCE, TARGET, { timeoutMs: 300, signal: new AbortController().signal })
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toMatchObject({
      code: "registry_unreachable",
      message: `push of ${TARGET.repository}:stable took longer than 300ms (docker.pullTimeout)`,
    });
    expect(requests.slice(2)).toEqual([
      `POST /images/${IMAGE_ID}/tag`,
      `POST /images/${TARGET.repository}/push`,
      `DELETE /images/${TARGET.repository}:stable`,
    ]);
  });
});
