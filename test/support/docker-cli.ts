import { execFile } from "node:child_process";
import { statSync } from "node:fs";

/** Runs the docker CLI and answers its standard output, trimmed; rejects with its stderr. */
export function docker(args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "docker",
      [...args],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error
          ? reject(
              Object.assign(new Error(`docker ${args.join(" ")}: ${stderr || error.message}`), {
                code: typeof error.code === "number" ? error.code : undefined,
                stdout,
                stderr,
              }),
            )
          : resolve(stdout.trim()),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** The docker CLI's exit code, standard output and standard error, whatever the exit code. */
export async function dockerResult(
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    return { code: 0, stdout: await docker(args), stderr: "" };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

/** The engine's Unix socket on this machine (DOCKER_HOST or the default path). */
export function dockerSocketPath(): string {
  const host = process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock";
  if (!host.startsWith("unix://")) throw new Error(`DOCKER_HOST ${host} is not a Unix socket`);
  return host.slice("unix://".length);
}

/** The group owning the engine's socket: what a non-root container needs (--group-add). */
export function dockerSocketGroup(): number {
  return statSync(dockerSocketPath()).gid;
}

/** The image scripts/image-test-env.sh built from the Dockerfile. */
export function testImage(): string {
  const image = process.env.PUSHGATE_TEST_IMAGE;
  if (!image) {
    throw new Error(
      "PUSHGATE_TEST_IMAGE is not set: run this suite with `npm run test:image` (scripts/image-test-env.sh)",
    );
  }
  return image;
}
