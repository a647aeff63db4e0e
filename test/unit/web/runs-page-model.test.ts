import { describe, expect, it } from "vitest";
import { hrefOf, runsPageModel } from "../../../src/web/models/runs-page-model.js";
import { DIGEST, NOW, STEPS, at, runRecord } from "./run-records.js";

describe("runsPageModel", () => {
  it("gives each run its row: state word and tone, image, short digest, sender, times", () => {
    const passed = runRecord("passed", {
      imageDigest: DIGEST,
      steps: STEPS,
      finishedAt: at(38),
      source: { url: "git@gitlab.com:acme/web.git", revision: "0123456789abcdef0123" },
    });
    const queued = runRecord("queued");
    const page = runsPageModel({
      runs: [queued, passed],
      query: {},
      pageSize: 50,
      pipelines: ["web"],
      now: NOW,
    });
    expect(page.rows[1]).toMatchObject({
      id: passed.id,
      href: `/runs/${passed.id}`,
      state: { word: "passed", tone: "ok", mark: "✔" },
      unfinished: false,
      pipeline: "web",
      image: "acme/web:v1",
      digest: "sha256:ab12ab12ab12",
      digestFull: DIGEST,
      revision: {
        short: "0123456",
        full: "0123456789abcdef0123",
        href: "https://gitlab.com/acme/web/-/commit/0123456789abcdef0123",
        url: "git@gitlab.com:acme/web.git",
      },
      pusher: "ci",
      sender: "Docker Hub",
      queued: { ago: "1 min ago" },
      duration: "12 s",
    });
    expect(page.rows[0]).toMatchObject({
      revision: null,
      state: { word: "queued", tone: "waiting" },
      unfinished: true,
      digest: null,
      duration: "waiting 1 min",
    });
    expect(page.live).toBe(true);
    expect(page).toMatchObject({ olderHref: null, newestHref: null, filtered: false });
  });

  it("keeps the filters in every URL it makes, and pages with the last run shown", () => {
    const runs = [runRecord("failed"), runRecord("failed"), runRecord("failed")];
    const page = runsPageModel({
      runs,
      query: { state: "failed", repository: "acme/web" },
      pageSize: 2,
      pipelines: ["web", "api"],
      now: NOW,
    });
    expect(page.rows).toHaveLength(2);
    expect(page.olderHref).toBe(`/runs?repository=acme%2Fweb&state=failed&before=${runs[1]?.id}`);
    expect(page.rowsHref).toBe("/runs/rows?repository=acme%2Fweb&state=failed");
    expect(page.filter).toEqual({ pipeline: "", repository: "acme/web", state: "failed" });
    expect(page.filtered).toBe(true);
    expect(page.live).toBe(false);

    const next = runsPageModel({
      runs: [runRecord("failed")],
      query: { state: "failed", before: runs[1]?.id ?? "" },
      pageSize: 2,
      pipelines: [],
      now: NOW,
    });
    expect(next.olderHref).toBeNull();
    expect(next.newestHref).toBe("/runs?state=failed");
    expect(next.rowsHref).toBe(`/runs/rows?state=failed&before=${runs[1]?.id}`);
  });

  it("shows a revision without a known forge as text, and none without a revision", () => {
    const row = (source: { url?: string; revision?: string }) =>
      runsPageModel({
        runs: [runRecord("passed", { source })],
        query: {},
        pageSize: 50,
        pipelines: [],
        now: NOW,
      }).rows[0]?.revision;
    expect(row({ url: "https://git.example/acme/web", revision: "abcdef0123456789" })).toEqual({
      short: "abcdef0",
      full: "abcdef0123456789",
      href: null,
      url: "https://git.example/acme/web",
    });
    expect(row({ revision: "v1.2.3" })).toMatchObject({ short: "v1.2.3", href: null, url: null });
    expect(row({ url: "https://github.com/acme/web" })).toBeNull();
  });

  it("says nothing of a run that ended in the queue as its duration", () => {
    const page = runsPageModel({
      runs: [runRecord("cancelled", { finishedAt: at(30) })],
      query: {},
      pageSize: 50,
      pipelines: [],
      now: NOW,
    });
    expect(page.rows[0]?.duration).toBeNull();
  });

  it("builds paths with only the parameters set, encoded", () => {
    expect(hrefOf("/runs", {})).toBe("/runs");
    expect(hrefOf("/runs", { a: "", b: undefined, c: "x y&z" })).toBe("/runs?c=x+y%26z");
  });
});
