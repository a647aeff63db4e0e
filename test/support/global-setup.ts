import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { countImages, removeSuiteImages } from "./suite-images.js";

/**
 * The integration suite's last check: once every file is done, nothing labelled by the
 * pushgate instances the tests ran (test/support/docker-objects.ts recordInstance) is left
 * in Docker — no container, no network, no volume — and the images the suite built are
 * removed, with the engine's image count before and after. Other instances and suites
 * sharing the engine are not looked at.
 */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), "pushgate-instances-"));
  project.provide("instancesDir", dir);
  const imagesBefore = countImages();
  return () => {
    const instances = readdirSync(dir);
    rmSync(dir, { recursive: true, force: true });
    const left: string[] = [];
    for (const instance of instances) {
      for (const [kind, format] of [
        [["ps", "-a"], "{{.Names}} {{.Labels}}"],
        [["network", "ls"], "{{.Name}} {{.Labels}}"],
        [["volume", "ls"], "{{.Name}} {{.Labels}}"],
      ] as const) {
        const out = execFileSync("docker", [
          ...kind,
          "--filter",
          `label=pushgate.instance=${instance}`,
          "--format",
          format,
        ]).toString();
        left.push(...out.split("\n").filter(Boolean));
      }
    }
    const images = removeSuiteImages();
    left.push(...images.left.map((image) => `image ${image}`));
    if (left.length > 0) {
      // A throw here is only printed by vitest; the exit code is what makes the suite fail.
      process.exitCode = 1;
      throw new Error(`pushgate left these behind after the suite:\n${left.join("\n")}`);
    }
    process.stdout.write(
      `final check: ${instances.length} pushgate instances left no container, no network and no volume; ` +
        `${images.removed} images the suite built removed (engine: ${imagesBefore} images before the suite, ${countImages()} after)\n`,
    );
  };
}
