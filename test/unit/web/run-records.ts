import type { RunState } from "../../../src/pipeline/run-states.js";
import type { ActionRecord, RunRecord } from "../../../src/store/run-store.js";

export const NOW = new Date("2026-03-10T12:00:00.000Z");
export const DIGEST = `sha256:${"ab12".repeat(16)}`;

const at = (secondsBefore: number) => new Date(NOW.getTime() - secondsBefore * 1000);

let ids = 0;

/** A run as the store gives it: pushed 60 s ago to Docker Hub, in `state`. */
export function runRecord(state: RunState, change: Partial<RunRecord> = {}): RunRecord {
  ids += 1;
  return {
    id: `01J0000000000000000000${String(ids).padStart(4, "0")}`,
    pipeline: "web",
    state,
    attempt: 1,
    event: {
      id: "01J00000000000000000000EVT",
      source: "dockerhub",
      registry: "docker.io",
      repository: "acme/web",
      tag: "v1",
      pushedAt: at(61),
      pusher: "ci",
      receivedAt: at(60),
    },
    createdAt: at(60),
    updatedAt: at(10),
    steps: {},
    ...change,
  };
}

/** Steps of a run that pulled for 2 s and tested for 10 s, from 50 s ago. */
export const STEPS = {
  pull: { startedAt: at(50).toISOString(), finishedAt: at(48).toISOString(), ms: 2000 },
  test: { startedAt: at(48).toISOString(), finishedAt: at(38).toISOString(), ms: 10_000 },
};

export function actionRecord(change: Partial<ActionRecord> = {}): ActionRecord {
  return {
    id: "success.0",
    runId: "run",
    position: 0,
    kind: "jenkins",
    target: "deploy/web",
    state: "done",
    attemptCount: 1,
    attempts: [{ at: at(37).toISOString(), ms: 120, status: 201 }],
    result: {},
    createdAt: at(38),
    updatedAt: at(36),
    ...change,
  };
}

export { at };
