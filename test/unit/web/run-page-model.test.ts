import { describe, expect, it } from "vitest";
import { runPageModel } from "../../../src/web/models/run-page-model.js";
import { DIGEST, NOW, STEPS, actionRecord, at, runRecord } from "./run-records.js";

const model = (
  run: ReturnType<typeof runRecord>,
  extra: Partial<Parameters<typeof runPageModel>[0]> = {},
) =>
  runPageModel({
    run,
    actions: [],
    output: undefined,
    retries: [],
    pipelineConfigured: true,
    now: NOW,
    ...extra,
  });

describe("runPageModel", () => {
  it("shows a failed run's verdict, timeline, push and what can be done with it", () => {
    const run = runRecord("failed", {
      reason: "exit code 3",
      exitCode: 3,
      imageDigest: DIGEST,
      steps: STEPS,
      finishedAt: at(38),
      event: {
        ...runRecord("queued").event,
        callbackUrl: "https://registry.hub.docker.com/u/acme/web/hook/secret/",
      },
    });
    const page = model(run);
    expect(page.verdict).toEqual({
      state: { state: "failed", word: "failed", tone: "bad", mark: "✘" },
      reason: "exit code 3",
      exitCode: null, // the reason says it
    });
    const timedOut = model(runRecord("failed", { reason: "timeout after 10m", exitCode: 137 }));
    expect(timedOut.verdict).toMatchObject({ reason: "timeout after 10m", exitCode: 137 });
    expect(page.timeline.map((s) => [s.name, s.duration, s.running])).toEqual([
      ["queued", "10 s", false],
      ["pull", "2.0 s", false],
      ["test", "10 s", false],
    ]);
    expect(page.digest).toBe(DIGEST);
    expect(page.event).toMatchObject({ sender: "Docker Hub", pusher: "ci", tag: "v1" });
    expect(page.event.callback).toBe("https://registry.hub.docker.com");
    expect(page).toMatchObject({
      canCancel: false,
      canRetry: true,
      followHref: null,
      rawHref: `/runs/${run.id}/log`,
      erroredReason: null,
    });
  });

  it("follows an unfinished run live, counts its running step so far, and offers Cancel", () => {
    const run = runRecord("testing", {
      steps: { pull: STEPS.pull, test: { startedAt: at(48).toISOString() } },
    });
    const page = model(run);
    expect(page.timeline.at(-1)).toMatchObject({ name: "test", duration: "48 s", running: true });
    expect(page).toMatchObject({
      canCancel: true,
      canRetry: false,
      followHref: `/runs/${run.id}/log?follow=1`,
    });
    expect(JSON.parse(page.stateLabels)).toMatchObject({
      acting: { word: "acting", tone: "active" },
    });
  });

  it("puts an errored run's reason where its output would be", () => {
    const run = runRecord("errored", {
      reason: "manifest unknown: acme/web:v1",
      finishedAt: at(55),
    });
    const page = model(run);
    expect(page.erroredReason).toBe("manifest unknown: acme/web:v1");
    expect(page.timeline).toEqual([expect.objectContaining({ name: "queued", duration: "5.0 s" })]);
    expect(model(runRecord("errored")).erroredReason).toBe("the test could not be run");
  });

  it("offers no retry once the pipeline is gone, and tells only the notices it knows", () => {
    const run = runRecord("passed", { finishedAt: at(1) });
    expect(model(run, { pipelineConfigured: false }).canRetry).toBe(false);
    expect(model(run, { notice: "retried" }).notice).toBe("Queued again as this new run.");
    expect(model(run, { notice: "<script>" }).notice).toBeNull();
    expect(model(run, { notice: "constructor" }).notice).toBeNull();
  });

  it("links retries both ways", () => {
    const original = runRecord("passed", { finishedAt: at(1) });
    const retry = runRecord("queued", { retryOf: original.id });
    expect(model(retry).retryOf).toEqual({ id: original.id, href: `/runs/${original.id}` });
    expect(model(original, { retries: [retry] }).retries.map((r) => r.href)).toEqual([
      `/runs/${retry.id}`,
    ]);
  });

  it("shows each action's calls, and links only http(s) URLs it got back", () => {
    const page = model(runRecord("passed", { finishedAt: at(1) }), {
      actions: [
        actionRecord({
          result: {
            status: 201,
            buildUrl: "https://jenkins.example/job/deploy/job/web/7/",
            queueUrl: "javascript:alert(1)",
            buildResult: "SUCCESS",
          },
        }),
        actionRecord({
          id: "success.1",
          kind: "slack",
          state: "failed",
          error: "HTTP 500",
          attemptCount: 5,
        }),
      ],
    });
    expect(page.actions[0]).toMatchObject({
      kind: "jenkins",
      target: "deploy/web",
      state: { word: "done", tone: "ok" },
      attempts: 1,
      calls: [{ took: "120 ms", status: 201, error: null }],
      links: [{ label: "Jenkins build", href: "https://jenkins.example/job/deploy/job/web/7/" }],
      details: [
        { key: "status", value: "201" },
        { key: "queueUrl", value: "javascript:alert(1)" },
        { key: "buildResult", value: "SUCCESS" },
      ],
    });
    expect(page.actions[1]).toMatchObject({
      state: { word: "failed", tone: "bad" },
      error: "HTTP 500",
      attempts: 5,
    });
  });
});
