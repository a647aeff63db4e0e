import type { PipelineConfig } from "../../src/config/config.js";
import type { RunOutcome, Verdict } from "../../src/pipeline/outcome.js";
import type { StoredEvent } from "../../src/store/run-store.js";

export const DIGEST = `sha256:${"c".repeat(64)}`;

/** A pipeline as the config would give it, with the given actions. */
export function pipelineWith(
  on: Partial<PipelineConfig["on"]> = {},
  callback = false,
  name = "web",
): PipelineConfig {
  return {
    name,
    match: { repositories: ["**"], tags: ["*"] },
    test: {
      env: {},
      timeoutMs: 60_000,
      network: "none",
      resources: { memoryBytes: 256 * 1024 * 1024, cpus: 1, pids: 64 },
      services: [],
      readOnly: false,
      tmpfs: [],
    },
    on: { success: [], failure: [], error: [], ...on },
    callback,
    badge: false,
    statuses: [],
    supersede: false,
  };
}

/** A finished run's outcome, for a push described by `event`. */
export function outcomeOf(
  options: {
    verdict?: Verdict;
    event?: Partial<StoredEvent>;
    pipeline?: PipelineConfig;
    runId?: string;
    imageDigest?: string | null;
    reason?: string;
  } = {},
): RunOutcome {
  const event: StoredEvent = {
    id: "01HEVENT0000000000000000000",
    source: "dockerhub",
    registry: "docker.io",
    repository: "acme/web",
    tag: "v1.2",
    pushedAt: new Date("2026-01-02T03:04:05Z"),
    receivedAt: new Date("2026-01-02T03:04:06Z"),
    ...options.event,
  };
  const pipeline = options.pipeline ?? pipelineWith();
  const name =
    event.registry === "docker.io" ? event.repository : `${event.registry}/${event.repository}`;
  const imageDigest =
    options.imageDigest === null ? undefined : (options.imageDigest ?? `${name}@${DIGEST}`);
  return {
    run: {
      id: options.runId ?? "01HRUN00000000000000000000",
      pipeline: pipeline.name,
      state: "acting",
      attempt: 1,
      event,
      ...(imageDigest ? { imageDigest } : {}),
      createdAt: new Date("2026-01-02T03:04:06Z"),
      updatedAt: new Date("2026-01-02T03:04:46Z"),
      steps: {},
    },
    pipeline,
    verdict: options.verdict ?? "passed",
    ...(options.reason ? { reason: options.reason } : {}),
    ...(imageDigest ? { imageDigest } : {}),
    durationMs: 42_000,
  };
}
