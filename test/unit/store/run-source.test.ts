import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dedupeKeyOf, type PushEvent } from "../../../src/sources/push-event.js";
import { storeOpener } from "../../support/open-store.js";
import { tempDir } from "../../support/test-config.js";

const event: PushEvent = {
  source: "registry",
  registry: "127.0.0.1:5000",
  repository: "acme/web",
  tag: "v1",
  pushedAt: new Date("2026-01-02T03:04:05Z"),
};
const open = storeOpener();

describe("a run's source (the tested image's repository and commit)", () => {
  it("is written with the move to testing, kept across a restart, and cleared by a new attempt", () => {
    const path = join(tempDir(), "runs.db");
    const store = open(path);
    const [outcome] = store.accept(
      [{ event, dedupeKey: dedupeKeyOf(event), pipelines: ["web"] }],
      new Date(),
    );
    const id = outcome?.kind === "recorded" ? (outcome.runIds[0] ?? "") : "";
    expect(store.getRun(id)?.source).toBeUndefined();
    const source = { url: "https://git.example/acme/web", revision: "0123abc" };
    expect(store.transition(id, ["queued"], "testing", { source })).toBe(true);
    expect(store.getRun(id)?.source).toEqual(source);
    expect(store.transition(id, ["testing"], "acting", { verdict: "passed" })).toBe(true);

    store.close();
    const reopened = open(path);
    expect(reopened.getRun(id)?.source).toEqual(source);
    expect(reopened.transition(id, ["acting"], "queued", { source: null })).toBe(true);
    expect(reopened.getRun(id)?.source).toBeUndefined();
  });

  it("may know only one of the two", () => {
    const store = open();
    const [outcome] = store.accept(
      [{ event, dedupeKey: dedupeKeyOf(event), pipelines: ["web"] }],
      new Date(),
    );
    const id = outcome?.kind === "recorded" ? (outcome.runIds[0] ?? "") : "";
    store.transition(id, ["queued"], "testing", { source: { revision: "feedbeef" } });
    expect(store.getRun(id)?.source).toEqual({ revision: "feedbeef" });
  });
});
