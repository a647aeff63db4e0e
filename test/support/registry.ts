import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports.js";

/** The registry scripts/test-env.sh started for the whole suite (host:port). */
export function sharedRegistry(): string {
  const registry = process.env.PUSHGATE_TEST_REGISTRY;
  if (!registry) {
    throw new Error(
      "PUSHGATE_TEST_REGISTRY is not set: run the suite with `npm test` (scripts/test-env.sh)",
    );
  }
  return registry;
}

/** The static-busybox base image scripts/test-env.sh pushed to the shared registry. */
export function baseImage(): string {
  const image = process.env.PUSHGATE_TEST_BASE_IMAGE;
  if (!image) {
    throw new Error(
      "PUSHGATE_TEST_BASE_IMAGE is not set: run the suite with `npm test` (scripts/test-env.sh)",
    );
  }
  return image;
}

export interface RegistryNotificationEndpoint {
  url: string;
  headers?: Record<string, string[]>;
  timeout?: string;
  threshold?: number;
  backoff?: string;
}

export interface TestRegistry {
  /** 127.0.0.1:port */
  host: string;
  /** Stops the registry process; the stored images stay for start(). */
  stop(): Promise<void>;
  /** Starts it again on the same port and storage. */
  start(): Promise<void>;
  /** Stops it and deletes its storage. */
  destroy(): Promise<void>;
  logs(): string;
}

/**
 * A registry of its own (Debian's docker-registry, the distribution registry) on a free
 * loopback port, for tests that stop it, configure notifications, or need credentials.
 */
export async function startRegistry(
  options: { notifications?: RegistryNotificationEndpoint[]; htpasswd?: string } = {},
): Promise<TestRegistry> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "pushgate-registry-"));
  const lines = [
    "version: 0.1",
    "log: { level: info, accesslog: { disabled: true } }",
    `storage: { filesystem: { rootdirectory: ${JSON.stringify(join(dir, "data"))} }, delete: { enabled: true } }`,
    `http: { addr: "127.0.0.1:${port}" }`,
  ];
  if (options.htpasswd) {
    writeFileSync(join(dir, "htpasswd"), options.htpasswd);
    lines.push(
      `auth: { htpasswd: { realm: test, path: ${JSON.stringify(join(dir, "htpasswd"))} } }`,
    );
  }
  if (options.notifications?.length) {
    lines.push("notifications:", "  endpoints:");
    options.notifications.forEach((endpoint, i) => {
      lines.push(
        `    - name: endpoint-${i}`,
        `      url: ${JSON.stringify(endpoint.url)}`,
        `      timeout: ${endpoint.timeout ?? "1s"}`,
        `      threshold: ${endpoint.threshold ?? 3}`,
        `      backoff: ${endpoint.backoff ?? "1s"}`,
        `      headers: ${JSON.stringify(endpoint.headers ?? {})}`,
      );
    });
  }
  writeFileSync(join(dir, "config.yml"), `${lines.join("\n")}\n`);

  let child: ChildProcess | undefined;
  let output = "";
  const host = `127.0.0.1:${port}`;

  const start = async (): Promise<void> => {
    child = spawn("docker-registry", ["serve", join(dir, "config.yml")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      try {
        const response = await fetch(`http://${host}/v2/`);
        if (response.status === 200 || response.status === 401) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`registry on ${host} did not start:\n${output}`);
  };

  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGTERM");
    await exited;
  };

  await start();
  return {
    host,
    start,
    stop,
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    logs: () => output,
  };
}

/** Media types a client accepts for a manifest, so the registry answers the stored one as is. */
const MANIFEST_TYPES = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
].join(", ");

const basic = (credentials?: { username: string; password: string }): Record<string, string> =>
  credentials
    ? {
        authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`,
      }
    : {};

/**
 * The digest a registry holds `repository:tag` under, read from its HTTP API (HEAD of the
 * manifest, Docker-Content-Digest); undefined when it has no such tag.
 */
export async function manifestDigest(
  host: string,
  repository: string,
  tag: string,
  credentials?: { username: string; password: string },
): Promise<string | undefined> {
  const response = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, {
    method: "HEAD",
    headers: { accept: MANIFEST_TYPES, ...basic(credentials) },
  });
  if (response.status === 404) return undefined;
  if (response.status !== 200)
    throw new Error(`HEAD manifest ${repository}:${tag}: ${response.status}`);
  return response.headers.get("docker-content-digest") ?? undefined;
}

/** The tags a registry holds for `repository` (GET /v2/<name>/tags/list), sorted; [] when none. */
export async function registryTags(
  host: string,
  repository: string,
  credentials?: { username: string; password: string },
): Promise<string[]> {
  const response = await fetch(`http://${host}/v2/${repository}/tags/list`, {
    headers: basic(credentials),
  });
  if (response.status === 404) return [];
  const json = (await response.json()) as { tags?: string[] | null };
  return [...(json.tags ?? [])].sort();
}
