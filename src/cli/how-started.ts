import { join } from "node:path";
import type { Env } from "../config/load-config.js";

/** Where pushgate runs from: a clone of its repository, its Docker image, or an install. */
export type HowStarted = "clone" | "image" | "installed";

/**
 * How this pushgate was started, so messages name commands that work there: the image sets
 * PUSHGATE_IN_IMAGE; a clone has its sources (src/main.ts) beside dist/.
 */
export function howStarted(
  packageRoot: string,
  env: Env,
  exists: (file: string) => boolean,
): HowStarted {
  if (env.PUSHGATE_IN_IMAGE === "1") return "image";
  return exists(join(packageRoot, "src", "main.ts")) ? "clone" : "installed";
}

/** `check-config` of `file` for `images`, as a person can type it where pushgate was started. */
export function checkConfigCommand(how: HowStarted, file: string, images: string): string {
  switch (how) {
    case "clone":
      return `npm run check-config -- ${file} ${images}`;
    case "image":
      // The image reads /config/pushgate.yml (PUSHGATE_CONFIG): the file is mounted there.
      return `docker run --rm -v "$PWD/${file}:/config/pushgate.yml:ro" IMAGE check-config ${images}`;
    case "installed":
      return `pushgate check-config ${file} ${images}`;
  }
}
