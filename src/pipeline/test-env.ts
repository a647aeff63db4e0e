import type { RunRecord } from "../store/run-store.js";
import { autotestVariables, type AutotestFacts } from "../testing/compose-variables.js";
import { imageNameOf } from "./image-name.js";

/** What Autotest's variables say of a run: its image, tag, commit and id. */
export function autotestFactsOf(run: RunRecord, revision?: string): AutotestFacts {
  return {
    repository: imageNameOf(run.event),
    tag: run.event.tag,
    ...(revision !== undefined ? { revision } : {}),
    runId: run.id,
  };
}

/**
 * The test container's environment: the pipeline's `test.env`, then the variables Docker
 * Hub's autotests and build hooks set, which pushgate's own values always win.
 */
export function testEnv(
  run: RunRecord,
  env: Record<string, string>,
  revision?: string,
): Record<string, string> {
  const { PUSHGATE_RUN_ID, DOCKER_REPO, DOCKER_TAG, IMAGE_NAME, SOURCE_COMMIT } = autotestVariables(
    autotestFactsOf(run, revision),
  );
  return { ...env, PUSHGATE_RUN_ID, DOCKER_REPO, DOCKER_TAG, IMAGE_NAME, SOURCE_COMMIT };
}
