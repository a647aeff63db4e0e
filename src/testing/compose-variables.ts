import type { ComposeVariables } from "./interpolate-compose.js";

/** What Docker Hub's Autotest told a test about the image it tests. */
export interface AutotestFacts {
  /** "acme/web", or "host:port/acme/web" for another registry. */
  repository: string;
  tag: string;
  /** The commit the image's labels name, when they name one. */
  revision?: string;
  runId: string;
}

export interface AutotestVariables extends Record<string, string> {
  IMAGE_NAME: string;
  DOCKER_REPO: string;
  DOCKER_TAG: string;
  SOURCE_COMMIT: string;
  SOURCE_BRANCH: string;
  COMMIT_MSG: string;
  PUSHGATE_RUN_ID: string;
}

/**
 * Autotest's variables: IMAGE_NAME (repository:tag as pulled), DOCKER_REPO, DOCKER_TAG,
 * SOURCE_COMMIT, SOURCE_BRANCH and COMMIT_MSG (unknown here, so empty), and PUSHGATE_RUN_ID.
 */
export function autotestVariables(facts: AutotestFacts): AutotestVariables {
  return {
    IMAGE_NAME: `${facts.repository}:${facts.tag}`,
    DOCKER_REPO: facts.repository,
    DOCKER_TAG: facts.tag,
    SOURCE_COMMIT: facts.revision ?? "",
    SOURCE_BRANCH: "",
    COMMIT_MSG: "",
    PUSHGATE_RUN_ID: facts.runId,
  };
}

/** What a file is interpolated from: the pipeline's `test.env`, then Autotest's variables. */
export function composeVariables(
  env: Readonly<Record<string, string>>,
  facts: AutotestFacts,
): ComposeVariables {
  return { ...env, ...autotestVariables(facts) };
}

/** Stand-in facts for checking a file before any push (start-up, check-config). */
export const SAMPLE_FACTS: AutotestFacts = {
  repository: "registry.example.com/team/app",
  tag: "latest",
  revision: "0123456789abcdef0123456789abcdef01234567",
  runId: "01J00000000000000000000000",
};
