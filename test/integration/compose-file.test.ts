import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseConfig } from "../../src/config/load-config.js";
import type { RunningPushgate } from "../../src/pushgate.js";
import { startPushgate } from "../../src/pushgate.js";
import { getJson, post } from "../support/http.js";
import { freePort } from "../support/ports.js";
import { tempDir } from "../support/test-config.js";
import { exampleEnv, interpolate, variablesIn } from "../support/compose-files.js";
import { waitFor } from "../support/wait-for.js";

// jenkins/docker-compose.yml cannot be run here (no Docker Hub, no Jenkins update site), so
// its wiring is checked piece by piece: files, variables, names, ports, and the parts that
// can run here (pushgate with the compose's config, Debian's registry with its endpoint).

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const JENKINS_DIR = join(ROOT, "jenkins");
const read = (...path: string[]) => readFileSync(join(...path), "utf8");

interface ComposeService {
  build?: { context: string; dockerfile: string };
  image?: string;
  ports?: string[];
  group_add?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
}
const compose = parse(read(JENKINS_DIR, "docker-compose.yml")) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`no service ${name} in jenkins/docker-compose.yml`);
  return found;
};
const casc = read(JENKINS_DIR, "casc.yaml");
/** casc.yaml's values without its comments: what the plugin reads and resolves. */
const cascValues = JSON.stringify(parse(casc));
const dockerfile = read(ROOT, "Dockerfile");

const ENV = exampleEnv(JENKINS_DIR);

/** [source, target] of each bind mount and named volume of a service. */
const mountsOf = (name: string): [string, string][] =>
  (service(name).volumes ?? []).map((spec) => {
    const [source = "", target = ""] = spec.split(":");
    return [source, target];
  });

describe("jenkins/docker-compose.yml", () => {
  it("mounts and builds only files that exist, and declares its named volumes", () => {
    for (const name of Object.keys(compose.services)) {
      for (const [source] of mountsOf(name)) {
        if (source.startsWith("/")) continue; // the host's Docker socket
        if (!source.startsWith(".")) {
          expect(compose.volumes, `volume ${source}`).toHaveProperty(source);
          continue;
        }
        expect(existsSync(resolve(JENKINS_DIR, source)), `${name} mounts ${source}`).toBe(true);
      }
      const build = compose.services[name]?.build;
      if (build) {
        const file = resolve(JENKINS_DIR, build.context, build.dockerfile);
        expect(existsSync(file), `${name} builds ${file}`).toBe(true);
      }
    }
    expect(resolve(JENKINS_DIR, service("pushgate").build?.context ?? "")).toBe(resolve(ROOT, "."));
    expect(read(JENKINS_DIR, "jenkins.Dockerfile")).toContain("COPY plugins.txt");
  });

  it("takes every variable it needs from .env.example, and nothing else", () => {
    const used = new Set(variablesIn(read(JENKINS_DIR, "docker-compose.yml")));
    expect([...used].sort()).toEqual(Object.keys(ENV).sort());
    expect(() => interpolate(read(JENKINS_DIR, "docker-compose.yml"), ENV)).not.toThrow();
  });

  it("runs pushgate's image as the Dockerfile expects: config, data volume, socket and its group, port", () => {
    const pushgate = service("pushgate");
    const configPath = /PUSHGATE_CONFIG=(\S+)/.exec(dockerfile)?.[1];
    const port = /PORT=(\d+)/.exec(dockerfile)?.[1];
    expect(configPath).toBe("/config/pushgate.yml");
    expect(mountsOf("pushgate")).toEqual(
      expect.arrayContaining([
        ["./pushgate.yml", configPath],
        ["/var/run/docker.sock", "/var/run/docker.sock"],
        ["pushgate-data", "/app/data"],
      ]),
    );
    expect(dockerfile).toContain('VOLUME ["/config", "/app/data"]');
    expect(pushgate.ports).toContain(`8080:${port}`);
    expect(variablesIn(pushgate.group_add?.join(" ") ?? "")).toEqual(["DOCKER_GID"]);
  });

  it("gives Jenkins the variables and files casc.yaml reads", () => {
    const jenkins = service("jenkins");
    const environment = jenkins.environment ?? {};
    const casVariables = variablesIn(cascValues).filter((name) => !/^(file|readFile)/.test(name));
    for (const name of casVariables) expect(environment, name).toHaveProperty(name);

    const targets = mountsOf("jenkins").map(([, target]) => target);
    expect(targets).toContain(environment.CASC_JENKINS_CONFIG);
    for (const [, file] of cascValues.matchAll(
      /\$\{(?:fileBase64|readFile|readFileBase64):([^}]+)\}/g,
    )) {
      expect(targets, `casc.yaml reads ${file}`).toContain(file);
    }
    const plugins = read(JENKINS_DIR, "plugins.txt").split("\n");
    for (const plugin of [
      "configuration-as-code",
      "job-dsl",
      "workflow-aggregator",
      "matrix-auth",
    ]) {
      expect(plugins).toContain(plugin);
    }
  });

  it("declares on the Jenkins job the parameters the shipped job config declares", () => {
    const declared = (text: string, pattern: RegExp) =>
      [...text.matchAll(pattern)].map((m) => m[1] ?? "").sort();
    const inCasc = declared(casc, /stringParam\('([A-Z_]+)'/g);
    const inJobXml = declared(read(JENKINS_DIR, "config.xml"), /<name>([A-Z_]+)<\/name>/g);
    const inJenkinsfile = declared(read(JENKINS_DIR, "Jenkinsfile"), /name: '([A-Z_]+)'/g);
    expect(inCasc).toEqual(inJobXml);
    expect(inCasc).toEqual(inJenkinsfile);
    expect(inCasc).toEqual(expect.arrayContaining(["PUSHGATE_IMAGE", "DOCKER_TRIGGER_TAG"]));
  });

  describe("pushgate with jenkins/pushgate.yml", () => {
    let pushgate: RunningPushgate | undefined;
    const env = interpolate(JSON.stringify(service("pushgate").environment ?? {}), ENV);
    const pushgateEnv = JSON.parse(env) as Record<string, string>;

    beforeAll(async () => {
      const parsed = parseConfig(read(JENKINS_DIR, "pushgate.yml"), pushgateEnv);
      // Only where it listens, keeps its store and finds Docker differ from the container:
      // these tests are about the wiring, so a run's pull meets no engine and errors at once.
      const dir = tempDir();
      pushgate = await startPushgate(
        {
          ...parsed,
          listen: { host: "127.0.0.1", port: 0 },
          store: { path: join(dir, "pushgate.db"), leaseMs: 30_000, retention: {} },
          docker: { ...parsed.docker, host: `unix://${join(dir, "no-engine.sock")}` },
        },
        { logStream: new PassThrough() },
      );
    });
    afterAll(async () => {
      await pushgate?.stop();
    });

    it("calls the Jenkins service, as the pushgate user casc.yaml creates, to start a job it defines", () => {
      const config = parseConfig(read(JENKINS_DIR, "pushgate.yml"), pushgateEnv);
      const url = new URL(config.jenkins?.url ?? "");
      expect(Object.keys(compose.services)).toContain(url.hostname);
      expect(service(url.hostname).ports?.map((p) => p.split(":").at(-1))).toContain(url.port);
      expect(casc).toContain(`- id: ${config.jenkins?.user}`);
      // The same secret on both sides: compose hands one variable to both services.
      const passwordVariable = variablesIn(read(JENKINS_DIR, "pushgate.yml")).find((v) =>
        v.includes("JENKINS"),
      );
      expect(casc).toContain(`password: "\${${passwordVariable}}"`);
      expect(service("jenkins").environment).toHaveProperty(passwordVariable ?? "");

      const jobs = config.pipelines.flatMap((p) =>
        [...p.on.success, ...p.on.failure, ...p.on.error].flatMap((action) =>
          "jenkins" in action ? [action.jenkins.job] : [],
        ),
      );
      expect(jobs.length).toBeGreaterThan(0);
      for (const job of jobs) {
        expect(casc).toContain(`pipelineJob('${job}')`);
        const folder = job.split("/").slice(0, -1).join("/");
        if (folder) expect(casc).toContain(`folder('${folder}')`);
      }
    });

    it("accepts the registry service's notifications: its URL path and its Bearer token", async () => {
      const endpoints = parse(
        interpolate(service("registry").environment?.REGISTRY_NOTIFICATIONS_ENDPOINTS ?? "", ENV),
      ) as { url: string; headers: Record<string, string[]> }[];
      const endpoint = endpoints[0];
      expect(endpoint).toBeDefined();
      const target = new URL(endpoint?.url ?? "");
      expect(`${target.hostname}:${target.port}`).toBe("pushgate:8080");

      const { status, json } = await post(
        `${pushgate?.url}${target.pathname}`,
        {
          events: [
            {
              id: "compose-check-1",
              timestamp: new Date().toISOString(),
              action: "push",
              target: {
                mediaType: "application/vnd.docker.distribution.manifest.v2+json",
                digest: `sha256:${"a".repeat(64)}`,
                repository: "acme/web",
                tag: "latest",
              },
              request: { host: "localhost:5000", method: "PUT" },
            },
          ],
        },
        {
          "content-type": "application/vnd.docker.distribution.events.v1+json",
          authorization: endpoint?.headers.Authorization?.[0] ?? "",
        },
      );
      expect(status).toBe(202);
      const run = await getJson(
        `${pushgate?.url}/api/runs/${(json.runs as string[])[0]}`,
        pushgateEnv.PUSHGATE_API_TOKEN,
      );
      expect(run.json).toMatchObject({ pipeline: "web", event: { registry: "localhost:5000" } });
    });
  });

  it("configures the registry's endpoint as the real distribution registry reads it", async () => {
    const port = await freePort();
    const dir = tempDir("pushgate-compose-registry-");
    // registry:2's own default config file; the compose sets the rest through the environment.
    writeFileSync(
      join(dir, "config.yml"),
      "version: 0.1\nstorage: { filesystem: { rootdirectory: /var/lib/registry } }\nhttp: { addr: ':5000' }\n",
    );
    const child = spawn("docker-registry", ["serve", join(dir, "config.yml")], {
      env: {
        ...process.env,
        ...(JSON.parse(
          interpolate(JSON.stringify(service("registry").environment ?? {}), ENV),
        ) as Record<string, string>),
        REGISTRY_HTTP_ADDR: `127.0.0.1:${port}`,
        REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY: join(dir, "data"),
        REGISTRY_LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor("the registry to listen", () =>
        output.includes(`listening on 127.0.0.1:${port}`) ? true : undefined,
      );
      expect(output).toContain(
        "configuring endpoint pushgate (http://pushgate:8080/dockerregistry-webhook/notify)",
      );
      expect(output).toContain(`Authorization:[Bearer ${ENV.PUSHGATE_WEBHOOK_TOKEN}]`);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
