import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseConfig } from "../../src/config/load-config.js";
import { startPushgate, type RunningPushgate } from "../../src/pushgate.js";
import { getJson, post } from "../support/http.js";
import { freshDatabase } from "../support/postgres.js";
import { tempDir } from "../support/test-config.js";
import { exampleEnv, interpolate, variablesIn } from "../support/compose-files.js";

// examples/replicas/docker-compose.yml cannot be run here (no Docker Hub for its images), so
// its wiring is checked piece by piece, and its pushgate config runs as two replicas on the
// test run's PostgreSQL.

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DIR = join(ROOT, "examples/replicas");
const read = (...path: string[]) => readFileSync(join(...path), "utf8");

interface ComposeService {
  build?: { context: string; dockerfile: string };
  image?: string;
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, unknown> | string[];
}
const compose = parse(read(DIR, "docker-compose.yml"), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`no service ${name} in examples/replicas/docker-compose.yml`);
  return found;
};
const REPLICAS = ["pushgate-1", "pushgate-2"];

const ENV = exampleEnv(DIR);
const environmentOf = (name: string) =>
  JSON.parse(interpolate(JSON.stringify(service(name).environment ?? {}), ENV)) as Record<
    string,
    string
  >;

describe("examples/replicas/docker-compose.yml", () => {
  it("mounts and builds only files that exist, and declares its named volumes", () => {
    for (const [name, spec] of Object.entries(compose.services)) {
      for (const volume of spec.volumes ?? []) {
        const source = volume.split(":")[0] ?? "";
        if (source.startsWith("/")) continue; // the host's Docker socket
        if (!source.startsWith("."))
          expect(compose.volumes, `${name}: ${source}`).toHaveProperty(source);
        else expect(existsSync(resolve(DIR, source)), `${name} mounts ${source}`).toBe(true);
      }
      if (spec.build) {
        const file = resolve(DIR, spec.build.context, spec.build.dockerfile);
        expect(existsSync(file), `${name} builds ${file}`).toBe(true);
      }
    }
  });

  it("takes every variable it needs from .env.example, and nothing else", () => {
    const used = new Set(variablesIn(read(DIR, "docker-compose.yml")));
    expect([...used].sort()).toEqual(Object.keys(ENV).sort());
    const config = variablesIn(read(DIR, "pushgate.yml"));
    for (const name of config) {
      expect(environmentOf("pushgate-1"), `pushgate.yml reads ${name}`).toHaveProperty(name);
    }
  });

  it("runs two replicas of one config on one engine, each with its own instance id", () => {
    const [one, two] = REPLICAS.map(service);
    expect(one?.volumes).toEqual(two?.volumes);
    expect(one?.volumes).toEqual(
      expect.arrayContaining([
        "/var/run/docker.sock:/var/run/docker.sock",
        "./pushgate.yml:/config/pushgate.yml:ro",
      ]),
    );
    const instances = REPLICAS.map((name) => environmentOf(name).PUSHGATE_INSTANCE);
    expect(new Set(instances).size).toBe(2);
    for (const name of REPLICAS) expect(service(name).depends_on).toHaveProperty("postgres");
  });

  it("puts both replicas behind one address, which the registry notifies", () => {
    const nginx = read(DIR, "nginx.conf");
    const upstream = [...nginx.matchAll(/server (\S+):(\d+)/g)].map((m) => `${m[1]}:${m[2]}`);
    expect(upstream.sort()).toEqual(REPLICAS.map((name) => `${name}:8080`));
    const listen = /listen (\d+);/.exec(nginx)?.[1];
    expect(service("pushgate").ports).toContain(`8080:${listen}`);
    expect(nginx).toContain("proxy_buffering off"); // the live log stream
    const endpoints = parse(
      interpolate(service("registry").environment?.REGISTRY_NOTIFICATIONS_ENDPOINTS ?? "", ENV),
    ) as { url: string; headers: Record<string, string[]> }[];
    expect(new URL(endpoints[0]?.url ?? "").host).toBe(`pushgate:${listen}`);
    expect(endpoints[0]?.headers.Authorization).toEqual([`Bearer ${ENV.PUSHGATE_WEBHOOK_TOKEN}`]);
  });

  it("points the replicas at the PostgreSQL service, as its user and database", () => {
    const config = parseConfig(read(DIR, "pushgate.yml"), environmentOf("pushgate-1"));
    const url = new URL(config.store.url ?? "");
    const postgres = environmentOf("postgres");
    expect(url.hostname).toBe("postgres");
    expect(decodeURIComponent(url.username)).toBe(postgres.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(postgres.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${postgres.POSTGRES_DB}`);
    expect(config.store.instance).toBe("pushgate-1");
  });

  describe("its pushgate.yml, as two replicas on one database", () => {
    const running: RunningPushgate[] = [];
    let drop: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      const db = await freshDatabase();
      drop = db.drop;
      for (const name of REPLICAS) {
        const parsed = parseConfig(read(DIR, "pushgate.yml"), environmentOf(name));
        const dir = tempDir();
        running.push(
          await startPushgate(
            {
              ...parsed,
              listen: { host: "127.0.0.1", port: 0 },
              store: { ...parsed.store, url: db.url },
              docker: { ...parsed.docker, host: `unix://${join(dir, "no-engine.sock")}` },
            },
            { logStream: new PassThrough(), executeRuns: false },
          ),
        );
      }
    });
    afterAll(async () => {
      for (const pushgate of running) await pushgate.stop();
      await drop?.();
    });

    it("records a push the registry announces to one replica, and both show it", async () => {
      const [one, two] = running;
      const token = ENV.PUSHGATE_WEBHOOK_TOKEN ?? "";
      const { status, json } = await post(
        `${one?.url}/dockerregistry-webhook/notify`,
        {
          events: [
            {
              id: "replicas-compose-1",
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
          authorization: `Bearer ${token}`,
        },
      );
      expect(status).toBe(202);
      const runId = (json.runs as string[])[0];
      const seen = await getJson(`${two?.url}/api/runs/${runId}`, ENV.PUSHGATE_API_TOKEN);
      expect(seen.json).toMatchObject({ pipeline: "web", state: "queued" });
    });
  });
});
