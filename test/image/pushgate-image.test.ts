import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  docker,
  dockerResult,
  dockerSocketGroup,
  dockerSocketPath,
  testImage,
} from "../support/docker-cli.js";
import { getJson, post } from "../support/http.js";
import { sharedRegistry } from "../support/registry.js";
import { tempDir } from "../support/test-config.js";
import { waitFor } from "../support/wait-for.js";

const HOOK_TOKEN = "image-test-hook-token";
const API_TOKEN = "image-test-api-token";
const NAME = `pushgate-image-test-${process.pid}-${Date.now()}`;
const VOLUME = `${NAME}-data`;

// What a user writes for the container: listen on every interface, secrets from the
// environment, Docker Hub pulls served by the local registry (no Docker Hub here).
const CONFIG = `listen: { host: 0.0.0.0, port: 8080 }
auth:
  webhookTokens: ["\${PUSHGATE_WEBHOOK_TOKEN}"]
  apiToken: "\${PUSHGATE_API_TOKEN}"
log: { level: debug }
registries:
  - { host: docker.io, mirror: "${sharedRegistry()}", insecure: true }
pipelines:
  - name: pass
    match: { repository: pushgate-test/pass }
    test: { timeout: 1m }
`;

let configFile = "";
let started: string[] = [];

/** Starts a pushgate container as the README says to (socket, its group, config, data volume). */
async function startContainer(name: string): Promise<string> {
  started.push(name);
  await docker([
    "run",
    "--detach",
    "--name",
    name,
    "--label",
    "pushgate.test=image",
    "--publish",
    "127.0.0.1::8080",
    "--health-interval",
    "1s",
    "--volume",
    `${dockerSocketPath()}:/var/run/docker.sock`,
    "--group-add",
    String(dockerSocketGroup()),
    "--volume",
    `${configFile}:/config/pushgate.yml:ro`,
    "--volume",
    `${VOLUME}:/app/data`,
    "--env",
    `PUSHGATE_WEBHOOK_TOKEN=${HOOK_TOKEN}`,
    "--env",
    `PUSHGATE_API_TOKEN=${API_TOKEN}`,
    testImage(),
  ]);
  const published = await docker(["port", name, "8080/tcp"]);
  const url = `http://${published.split("\n")[0] ?? ""}`;
  // Its log, not a request: docker-proxy accepts connections before pushgate listens.
  await waitFor(`${name} to listen`, async () =>
    (await docker(["logs", name])).includes('"message":"listening"') ? true : undefined,
  );
  return url;
}

const inspect = async (name: string, format: string) =>
  docker(["inspect", "--format", format, name]);

/** Runs a Node one-liner inside the running container, as the container's user. */
const nodeIn = (name: string, script: string) => docker(["exec", name, "node", "-e", script]);

describe("pushgate's Docker image", () => {
  let url = "";

  beforeAll(async () => {
    const dir = tempDir("pushgate-image-");
    configFile = join(dir, "pushgate.yml");
    writeFileSync(configFile, CONFIG);
    chmodSync(configFile, 0o644);
    await docker(["volume", "create", "--label", "pushgate.test=image", VOLUME]);
    url = await startContainer(NAME);
  });

  afterAll(async () => {
    for (const name of started) await dockerResult(["rm", "--force", "--volumes", name]);
    await dockerResult(["volume", "rm", "--force", VOLUME]);
    started = [];
  });

  it("runs as its own non-root user, with Node itself as PID 1", async () => {
    const status = await docker(["exec", NAME, "cat", "/proc/1/status"]);
    expect(status).toMatch(/^Uid:\s+10001\s+10001\s+10001\s+10001$/m);
    expect(await docker(["exec", NAME, "cat", "/proc/1/comm"])).toBe("node");
    expect(await inspect(testImage(), "{{.Config.User}}")).toBe("10001:10001");
  });

  it("turns healthy through its own HEALTHCHECK (Node asks /healthz, no curl needed)", async () => {
    expect(await inspect(testImage(), "{{json .Config.Healthcheck.Test}}")).toContain("/healthz");
    await waitFor("the healthcheck to pass", async () =>
      (await inspect(NAME, "{{.State.Health.Status}}")) === "healthy" ? true : undefined,
    );
    const log = await inspect(NAME, "{{json .State.Health.Log}}");
    expect(JSON.parse(log) as { ExitCode: number }[]).toContainEqual(
      expect.objectContaining({ ExitCode: 0 }),
    );
  });

  it("reaches the Docker engine through the mounted socket as that user", async () => {
    const ping = await nodeIn(
      NAME,
      `require("http").get({ socketPath: "/var/run/docker.sock", path: "/_ping" }, (res) => {
         let body = ""; res.on("data", (c) => (body += c)); res.on("end", () => console.log(res.statusCode, body));
       }).on("error", (e) => { console.log(e.code); process.exit(1); });`,
    );
    expect(ping).toBe("200 OK");
  });

  it("takes a Docker Hub webhook, pulls the image through the socket and runs its test: passed", async () => {
    const hook = `${url}/dockerhub-webhook/${HOOK_TOKEN}/notify`;
    const refused = await post(`${url}/dockerhub-webhook/wrong-token-123/notify`, {});
    expect(refused.status).toBe(403);

    const { status, json } = await post(hook, {
      push_data: { tag: "latest", pushed_at: 1_700_000_000, pusher: "image-test" },
      repository: { repo_name: "pushgate-test/pass" },
    });
    expect(status).toBe(202);
    const [runId] = json.runs as string[];
    const run = await waitFor(`run ${runId} to finish`, async () => {
      const { json: view } = await getJson(`${url}/api/runs/${runId}`, API_TOKEN);
      return ["passed", "failed", "errored"].includes(view.state as string) ? view : undefined;
    });
    expect(run).toMatchObject({
      id: runId,
      pipeline: "pass",
      state: "passed",
      exitCode: 0,
      event: { repository: "pushgate-test/pass", tag: "latest" },
    });
    // The image tested is the one the registry holds under that tag.
    const pushed = await docker([
      "inspect",
      "--format",
      "{{json .RepoDigests}}",
      `${sharedRegistry()}/pushgate-test/pass:latest`,
    ]);
    expect(pushed).toContain(`${sharedRegistry()}/pushgate-test/pass@${String(run.imageDigest)}`);
  });

  it("serves the dashboard from the image: sign-in, the runs, its scripts and styles", async () => {
    const home = await fetch(`${url}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('name="token" type="password"');
    for (const asset of [
      "/static/dashboard.css",
      "/static/run-output.js",
      "/static/vendor/ansi_up.js",
    ]) {
      expect((await fetch(`${url}${asset}`)).status, asset).toBe(200);
    }
    const signedIn = await fetch(`${url}/sign-in`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: url },
      body: new URLSearchParams({ token: API_TOKEN }).toString(),
    });
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.headers.get("set-cookie")?.split(";")[0] ?? "";
    const runs = await fetch(`${url}/runs`, { headers: { cookie } });
    expect(runs.status).toBe(200);
    expect(await runs.text()).toContain("pushgate-test/pass:latest");
  });

  it("holds the production dependencies only", async () => {
    // A devDependency may be there only as some production package's own dependency
    // (protobufjs depends on @types/node, for one).
    const report = await nodeIn(
      NAME,
      `const fs = require("fs"), path = require("path"); const pkg = require("/app/package.json");
       const root = "/app/node_modules";
       const names = fs.readdirSync(root).flatMap((n) => n.startsWith("@")
         ? fs.readdirSync(path.join(root, n)).map((m) => n + "/" + m) : [n]);
       const needed = new Set(names.flatMap((n) => {
         try { const p = require(path.join(root, n, "package.json"));
               return Object.keys({ ...p.dependencies, ...p.optionalDependencies }); }
         catch { return []; } }));
       const has = (n) => fs.existsSync(path.join(root, n, "package.json"));
       console.log(JSON.stringify({
         dev: Object.keys(pkg.devDependencies).filter((n) => has(n) && !needed.has(n)),
         missing: Object.keys(pkg.dependencies).filter((n) => !has(n)),
         tools: ["typescript", "vitest", "eslint", "tsx", "prettier"].filter(has),
       }));`,
    );
    expect(JSON.parse(report)).toEqual({ dev: [], missing: [], tools: [] });
    expect((await dockerResult(["exec", NAME, "ls", "/app/src"])).code).not.toBe(0);
  });

  it("validates its config and matches an image with `check-config`", async () => {
    const result = await dockerResult([
      "run",
      "--rm",
      "--volume",
      `${configFile}:/config/pushgate.yml:ro`,
      "--env",
      `PUSHGATE_WEBHOOK_TOKEN=${HOOK_TOKEN}`,
      "--env",
      `PUSHGATE_API_TOKEN=${API_TOKEN}`,
      testImage(),
      "check-config",
      "pushgate-test/pass:latest",
      "acme/other:v1",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("/config/pushgate.yml: valid");
    expect(result.stdout).toContain("pushgate-test/pass:latest → pass");
    expect(result.stdout).toContain("acme/other:v1 → no pipeline matches");
    expect(result.stdout).not.toContain(HOOK_TOKEN);
  });

  it("started with no config mounted, says what to mount and exits 78", async () => {
    const result = await dockerResult(["run", "--rm", testImage()]);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain("no config file at /config/pushgate.yml");
    expect(result.stderr).toContain('-v "$PWD/pushgate.yml:/config/pushgate.yml:ro"');
    expect(result.stderr).toContain("IMAGE check-config acme/web:latest");
  });

  it("stops cleanly on SIGTERM, and a new container on the same volume has the runs", async () => {
    const before = await getJson(`${url}/api/runs`, API_TOKEN);
    const ids = (before.json.runs as { id: string }[]).map((run) => run.id);
    expect(ids.length).toBeGreaterThan(0);

    // docker stop sends SIGTERM and waits 30 s before SIGKILL (exit 137).
    await docker(["stop", "-t", "30", NAME]);
    expect(await inspect(NAME, "{{.State.ExitCode}}")).toBe("0");
    const logs = await docker(["logs", NAME]);
    expect(logs).toContain('"message":"shutting down","signal":"SIGTERM"');
    expect(logs).toContain('"message":"stopped"');

    const owner = await docker([
      "run",
      "--rm",
      "--entrypoint",
      "stat",
      "--volume",
      `${VOLUME}:/app/data`,
      testImage(),
      "-c",
      "%u %n",
      "/app/data/pushgate.db",
    ]);
    expect(owner).toBe("10001 /app/data/pushgate.db");

    const second = await startContainer(`${NAME}-again`);
    const after = await getJson(`${second}/api/runs`, API_TOKEN);
    expect((after.json.runs as { id: string }[]).map((run) => run.id)).toEqual(ids);
  });
});
