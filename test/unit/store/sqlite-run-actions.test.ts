import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { dedupeKeyOf, type PushEvent } from "../../../src/sources/push-event.js";
import { MIGRATIONS } from "../../../src/store/sqlite/migrations.js";
import { tempDir } from "../../support/test-config.js";
import { storeOpener } from "../../support/open-store.js";

// What actions do is checked on every store by test/contract/actions-contract.ts.

const event: PushEvent = {
  source: "dockerhub",
  registry: "docker.io",
  repository: "acme/web",
  tag: "v1",
  pushedAt: new Date("2026-01-02T03:04:05Z"),
};

const open = storeOpener();

describe("SqliteRunStore actions", () => {
  it("upgrades a database made before actions existed", async () => {
    const path = join(tempDir(), "old.db");
    const old = new Database(path);
    MIGRATIONS.slice(0, 2).forEach((sql) => old.exec(sql));
    old.pragma("user_version = 2");
    old.close();
    const store = open(path);
    const [outcome] = await store.accept(
      [{ event, dedupeKey: dedupeKeyOf(event), pipelines: ["web"] }],
      new Date(),
    );
    const runId = outcome?.kind === "recorded" ? (outcome.runIds[0] ?? "") : "";
    const plan = [{ id: "success.0", kind: "jenkins", target: "deploy/web" }];
    expect(await store.planActions(runId, plan, new Date())).toHaveLength(1);
  });
});
