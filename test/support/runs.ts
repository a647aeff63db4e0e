import { expect } from "vitest";
import { getJson, post } from "./http.js";
import { API_TOKEN, WEBHOOK_TOKEN } from "./test-config.js";

const FINAL = ["passed", "failed", "errored", "cancelled", "superseded"];
const FINAL_LINE = new RegExp(`"message":"run state".*"state":"(${FINAL.join("|")})"`);

export interface RunJson {
  id: string;
  state: string;
  reason: string | null;
  exitCode: number | null;
  imageDigest: string | null;
  attempt: number;
  steps: Record<string, { startedAt: string; finishedAt?: string; ms?: number }>;
}

let pushes = 0;

/**
 * Announces a push as Docker Hub does; returns the ids of the runs it queued. Each call is
 * a new push (its own push time), never a duplicate of an earlier one.
 */
export async function pushToHub(
  url: string,
  repoName: string,
  tag: string,
  pusher = "ci",
): Promise<string[]> {
  const { status, json } = await post(`${url}/dockerhub-webhook/${WEBHOOK_TOKEN}/notify`, {
    push_data: { tag, pushed_at: Math.floor(Date.now() / 1000) + pushes++, pusher },
    repository: { repo_name: repoName },
  });
  expect(status, JSON.stringify(json)).toBe(202);
  return json.runs as string[];
}

/** Polls GET /api/runs/:id until the run is in one of `states` (a final state by default). */
export async function waitForRun(
  url: string,
  runId: string,
  states: readonly string[] = FINAL,
  timeoutMs = 45_000,
): Promise<RunJson> {
  const deadline = Date.now() + timeoutMs;
  let last: RunJson | undefined;
  while (Date.now() < deadline) {
    const { json } = await getJson(`${url}/api/runs/${runId}`, API_TOKEN);
    last = json as unknown as RunJson;
    if (states.includes(last.state)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${runId} is still ${last?.state ?? "unknown"} after ${timeoutMs} ms`);
}

/** GET /api/runs/:id/log as text. */
export async function runLogText(
  url: string,
  runId: string,
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${url}/api/runs/${runId}/log`, {
    headers: { authorization: `Bearer ${API_TOKEN}` },
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/**
 * The log lines (JSON, as pushgate wrote them) saying a run reached a final state: exactly
 * one for a run that was executed once to completion, whatever the restarts in between.
 */
export function finalStateLines(lines: readonly string[], runId: string): string[] {
  return lines.filter((line) => line.includes(`"runId":"${runId}"`) && FINAL_LINE.test(line));
}
