import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { baseImage } from "./registry.js";

const run = promisify(execFile);

export interface TestImageSpec {
  /** Full reference to tag and push, e.g. `${registry}/pushgate-test/slow:v1`. */
  reference: string;
  /** Dockerfile lines after FROM (CMD, LABEL, ENV, RUN with busybox tools...). */
  lines: string[];
  /** Base image; the static-busybox image of scripts/test-env.sh by default. */
  from?: string;
  /** Push to its registry (default true). */
  push?: boolean;
}

/**
 * Builds a tiny image on the static-busybox base with the docker CLI (no build context:
 * the Dockerfile comes on stdin) and pushes it. Returns the pushed manifest's digest.
 */
export async function buildTestImage(spec: TestImageSpec): Promise<string | undefined> {
  const dockerfile = [`FROM ${spec.from ?? baseImage()}`, ...spec.lines].join("\n");
  await new Promise<void>((resolve, reject) => {
    const child = execFile(
      "docker",
      // No network for RUN steps: none needs one, and the engine's default bridge may be absent.
      ["build", "-q", "--network=none", "-t", spec.reference, "-"],
      (error, _out, stderr) =>
        error
          ? reject(new Error(`docker build of ${spec.reference} failed: ${stderr}`))
          : resolve(),
    );
    child.stdin?.end(dockerfile);
  });
  if (spec.push === false) return undefined;
  return push(spec.reference);
}

let pushing: Promise<unknown> = Promise.resolve();

/**
 * Pushes one image at a time within a test file: concurrent pushes of the same layers to
 * one registry can fail with "blob unknown to registry". Returns the pushed digest.
 */
function push(reference: string): Promise<string | undefined> {
  const pushed = pushing.then(async () => {
    const { stdout } = await run("docker", ["push", reference]);
    return /digest: (sha256:[a-f0-9]{64})/.exec(stdout)?.[1];
  });
  pushing = pushed.catch(() => undefined);
  return pushed;
}

/** Removes a local image (ignoring one that is already gone). */
export async function removeLocalImage(reference: string): Promise<void> {
  await run("docker", ["rmi", "-f", reference]).catch(() => undefined);
}

/** Tags a local image under another reference and pushes that; returns the pushed digest. */
export async function pushAs(source: string, reference: string): Promise<string | undefined> {
  await run("docker", ["tag", source, reference]);
  return push(reference);
}

/**
 * Pushes a manifest list (a multi-arch image) made of images already in the same registry,
 * with `docker manifest`: the CLI pushes each child by digest into the list's repository,
 * then the list under its tag. `platforms[i]` is the architecture recorded for `images[i]`.
 * Returns the list's digest.
 */
export async function pushManifestList(
  reference: string,
  images: string[],
  platforms: string[],
): Promise<string> {
  await run("docker", ["manifest", "create", "--insecure", reference, ...images]);
  try {
    for (const [i, image] of images.entries()) {
      await run("docker", ["manifest", "annotate", reference, image, "--arch", platforms[i] ?? ""]);
    }
    const { stdout } = await run("docker", ["manifest", "push", "--insecure", reference]);
    const digest = /(sha256:[a-f0-9]{64})\s*$/.exec(stdout)?.[1];
    if (!digest) throw new Error(`docker manifest push printed no digest:\n${stdout}`);
    return digest;
  } finally {
    await run("docker", ["manifest", "rm", reference]).catch(() => undefined);
  }
}

/**
 * Tags a local image as `reference` and pushes it to a registry that wants credentials,
 * logged in with a docker config of its own (the machine's ~/.docker stays untouched).
 * Returns the pushed digest.
 */
export async function pushWithLogin(
  source: string,
  reference: string,
  credentials: { username: string; password: string },
): Promise<string | undefined> {
  const host = reference.split("/", 1)[0] ?? "";
  await run("docker", ["tag", source, reference]);
  const config = mkdtempSync(join(tmpdir(), "pushgate-docker-config-"));
  const pushed = pushing.then(async () => {
    try {
      await run("sh", [
        "-c",
        'printf %s "$4" | docker --config "$1" login -u "$3" --password-stdin "$2" >/dev/null',
        "login",
        config,
        host,
        credentials.username,
        credentials.password,
      ]);
      const { stdout } = await run("docker", ["--config", config, "push", reference]);
      return /digest: (sha256:[a-f0-9]{64})/.exec(stdout)?.[1];
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  });
  pushing = pushed.catch(() => undefined);
  return pushed;
}
