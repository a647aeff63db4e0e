import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { dedupeKeyOf, type PushEvent } from "../../src/sources/push-event.js";
import { readStore } from "../support/open-store.js";
import { runPushgateCommand } from "../support/spawn-pushgate.js";
import { SqliteRunStore } from "../../src/store/sqlite/sqlite-run-store.js";
import { tempDir, testConfigYaml } from "../support/test-config.js";

/** A store file with `count` finished runs of pipeline web and one queued. */
async function populated(dbPath: string, count: number): Promise<void> {
  await readStore(dbPath, async (store) => {
    for (let i = 0; i <= count; i++) {
      const event: PushEvent = {
        source: "dockerhub",
        registry: "docker.io",
        repository: "acme/web",
        tag: `v${i}`,
        pushedAt: new Date(1_700_000_000_000 + i),
      };
      const [outcome] = await store.accept(
        [{ event, dedupeKey: dedupeKeyOf(event), pipelines: ["web"] }],
        new Date(),
      );
      const id = outcome?.kind === "recorded" ? (outcome.runIds[0] ?? "") : "";
      if (i < count) await store.transition(id, ["queued"], "passed");
    }
  });
}

describe("pushgate prune", () => {
  it("says what store.retention lets go, deletes it, and keeps the newest of each pipeline", async () => {
    const dir = tempDir();
    const dbPath = join(dir, "pushgate.db");
    await populated(dbPath, 5);
    const file = join(dir, "prune.yml");
    writeFileSync(
      file,
      testConfigYaml(
        dir,
        "",
        "",
        `{ path: ${JSON.stringify(dbPath)}, retention: { keepPerPipeline: 2 } }`,
      ),
    );
    const dry = await runPushgateCommand(["prune", "--dry-run", file]);
    expect(dry).toMatchObject({ code: 0, stderr: "" });
    expect(dry.stdout).toBe(
      "would delete 3 finished runs (each past the newest 2 of its pipeline), with their output and actions, and 0 events; the heads duplicates are recognised by stay\n",
    );
    expect(await readStore(dbPath, (s) => s.listRuns({ limit: 50 }))).toHaveLength(6);

    // While a pushgate holds the file (as a server does), only a dry run may look at it.
    const server = new SqliteRunStore(dbPath, { exclusive: true });
    try {
      const refused = await runPushgateCommand(["prune", file]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`is in use by another pushgate (pid ${process.pid} on `);
      expect(refused.stderr).toContain("A running pushgate prunes by itself every 10 minutes.");
      expect((await runPushgateCommand(["prune", "--dry-run", file])).code).toBe(0);
    } finally {
      await server.close();
    }
    const done = await runPushgateCommand(["prune", file]);
    expect(done).toMatchObject({
      code: 0,
      stdout: "deleted 3 finished runs (each past the newest 2 of its pipeline) and 0 events\n",
    });
    const left = await readStore(dbPath, (s) => s.listRuns({ limit: 50 }));
    expect(left.map((r) => `${r.event.tag}:${r.state}`)).toEqual([
      "v5:queued",
      "v4:passed",
      "v3:passed",
    ]);
  });
});
