import { execFileSync, spawnSync } from "node:child_process";

const docker = (args: string[]) =>
  execFileSync("docker", args).toString().split("\n").filter(Boolean);

/** How many images the engine holds (each ID once, intermediate layers included). */
export function countImages(): number {
  return new Set(docker(["images", "-a", "-q"])).size;
}

/** Rounds of removal: an image with children cannot go before them, so it goes in a later one. */
const ROUNDS = 5;

/**
 * Removes every image this suite built: scripts/test-env.sh labels its base image with
 * pushgate-test.suite=<PUSHGATE_TEST_SUITE>, and every test image is built from it (labels
 * are inherited), so tags and pulled copies of them go too. Answers what is left of them.
 */
export function removeSuiteImages(): { removed: number; left: string[] } {
  const suite = process.env.PUSHGATE_TEST_SUITE;
  if (!suite) return { removed: 0, left: [] };
  const label = `label=pushgate-test.suite=${suite}`;
  const ids = () => [...new Set(docker(["images", "-a", "-q", "--filter", label]))];
  const found = ids().length;
  for (let round = 0, left = ids(); round < ROUNDS && left.length > 0; round++, left = ids()) {
    // Some fail while their children exist (or were already removed with them): next round.
    spawnSync("docker", ["rmi", "-f", ...left], { stdio: "ignore" });
  }
  const left = docker([
    "images",
    "-a",
    "--filter",
    label,
    "--format",
    "{{.ID}} {{.Repository}}:{{.Tag}}",
  ]);
  return { removed: found - left.length, left };
}
