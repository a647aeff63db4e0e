import { describe, expect, it } from "vitest";
import { Metrics } from "../../../src/observability/metrics.js";

describe("Metrics", () => {
  it("counts runs by final state, observes the steps of runs with a verdict, reads gauges at scrape", async () => {
    let queued = 7;
    const metrics = new Metrics({
      queued: () => Promise.resolve(queued),
      testing: () => Promise.resolve(2),
    });
    const steps = {
      pull: { startedAt: "2026-01-01T00:00:00.000Z", finishedAt: "x", ms: 1500 },
      test: { startedAt: "2026-01-01T00:00:01.500Z", finishedAt: "x", ms: 4000 },
    };
    metrics.runMoved({ runId: "a", pipeline: "web", to: "testing", update: {} });
    metrics.runMoved({ runId: "a", pipeline: "web", to: "passed", update: { steps } });
    metrics.runMoved({ runId: "b", pipeline: "web", to: "cancelled", update: { steps } });
    metrics.webhookAnswered("dockerhub", 202);
    metrics.actionEnded("jenkins", "done");
    queued = 3;
    const text = await metrics.render();
    expect(text).toContain('pushgate_runs_total{pipeline="web",state="passed"} 1');
    expect(text).toContain('pushgate_runs_total{pipeline="web",state="cancelled"} 1');
    expect(text).not.toContain('state="testing"');
    expect(text).toContain('pushgate_step_duration_seconds_count{step="pull"} 1');
    expect(text).toContain('pushgate_step_duration_seconds_sum{step="test"} 4');
    expect(text).toContain('pushgate_step_duration_seconds_bucket{le="5",step="test"} 1');
    expect(text).toContain('pushgate_webhooks_total{source="dockerhub",status="202"} 1');
    expect(text).toContain('pushgate_actions_total{kind="jenkins",state="done"} 1');
    expect(text).toContain("pushgate_queue_depth 3");
    expect(text).toContain("pushgate_tests_running 2");
  });

  it("keeps two instances apart", async () => {
    const one = new Metrics({
      queued: () => Promise.resolve(0),
      testing: () => Promise.resolve(0),
    });
    const two = new Metrics({
      queued: () => Promise.resolve(0),
      testing: () => Promise.resolve(0),
    });
    one.webhookAnswered("acr", 403);
    expect(await two.render()).not.toContain('source="acr"');
  });
});
