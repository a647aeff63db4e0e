import { execFile } from "node:child_process";

/** One image of the demo: a repository whose image carries its own test as its command. */
export interface DemoImage {
  repository: string;
  /** What the demo expects its run to end as. */
  expected: "passed" | "failed";
  /** The image's test, as `sh -c` runs it. */
  script: string;
}

export const DEMO_IMAGES: readonly DemoImage[] = [
  {
    repository: "demo/hello-passes",
    expected: "passed",
    script: [
      "echo 'test 1: the shell answers ... ok'",
      'echo "test 2: IMAGE_NAME is set ($IMAGE_NAME) ... ok"',
      "test -n \"$IMAGE_NAME\" && echo '2 tests passed'",
    ].join("; "),
  },
  {
    repository: "demo/hello-fails",
    expected: "failed",
    script: [
      "echo 'test 1: the shell answers ... ok'",
      "echo 'test 2: 2 + 2 is 5 ... FAILED: expected 5, got '$((2 + 2))",
      "echo '1 of 2 tests failed'",
      "exit 1",
    ].join("; "),
  },
];

/** Runs the docker CLI (no shell in between); rejects with what it printed on error. */
export function dockerCli(args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile("docker", [...args], (error, stdout, stderr) =>
      error
        ? reject(new Error(`docker ${args[0] ?? ""} failed: ${stderr || error.message}`))
        : resolve(stdout.trim()),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/**
 * Builds a demo image FROM `base` (a static busybox, so no internet is needed), its test as
 * its command, and pushes it to the demo's registry; the push is what starts its run.
 */
export async function buildAndPush(
  image: DemoImage,
  base: string,
  registry: string,
): Promise<string> {
  const reference = `${registry}/${image.repository}:latest`;
  const dockerfile = [`FROM ${base}`, `CMD ["sh", "-c", ${JSON.stringify(image.script)}]`, ""].join(
    "\n",
  );
  await dockerCli(["build", "-q", "-t", reference, "-"], dockerfile);
  await dockerCli(["push", "-q", reference]);
  return reference;
}

/** Removes the demo's local images; one already gone is fine. */
export async function removeImages(references: readonly string[]): Promise<void> {
  if (references.length === 0) return;
  await dockerCli(["rmi", "-f", ...references]).catch(() => undefined);
}
