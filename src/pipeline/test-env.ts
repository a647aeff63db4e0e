import type { RunRecord } from "../store/run-store.js";
import { imageNameOf } from "./image-name.js";

/**
 * The test container's environment: the pipeline's `test.env`, then the variables Docker
 * Hub's autotests and build hooks set, which pushgate's own values always win.
 */
export function testEnv(run: RunRecord, env: Record<string, string>): Record<string, string> {
  const repo = imageNameOf(run.event);
  return {
    ...env,
    PUSHGATE_RUN_ID: run.id,
    DOCKER_REPO: repo,
    DOCKER_TAG: run.event.tag,
    IMAGE_NAME: `${repo}:${run.event.tag}`,
  };
}
