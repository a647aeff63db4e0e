import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratePostgres } from "../../src/store/postgres/migrate-postgres.js";
import { POSTGRES_MIGRATIONS } from "../../src/store/postgres/postgres-migrations.js";
import { PostgresRunStore } from "../../src/store/postgres/postgres-run-store.js";
import { recordInstance } from "../support/docker-objects.js";
import { getJson } from "../support/http.js";
import { freshDatabase } from "../support/postgres.js";
import { sharedRegistry } from "../support/registry.js";
import { pushToHub, waitForRun } from "../support/runs.js";
import { spawnPushgate, launchPushgate } from "../support/spawn-pushgate.js";
import { tempDir, testConfigYaml } from "../support/test-config.js";
import pg from "pg";
import { join } from "node:path";
import { writeFileSync } from "node:fs";

// pushgate on the test run's own PostgreSQL cluster, with the real engine and registry.
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of drops.splice(0)) await drop();
});

async function database(): Promise<string> {
  const db = await freshDatabase();
  drops.push(db.drop);
  return db.url;
}

const pipelines = (
  repository: string,
) => `registries: [{ host: docker.io, mirror: "${sharedRegistry()}" }]
pipelines: [{ name: web, match: { repository: "${repository}" }, test: { timeout: 30s } }]`;

describe("pushgate on PostgreSQL", () => {
  let url = "";
  beforeAll(async () => {
    url = await database();
  });

  it("migrates a new database, runs a push to its end, and keeps it across a restart", async () => {
    const dir = tempDir();
    const instance = `pg-${randomBytes(4).toString("hex")}`;
    recordInstance(instance);
    const yaml = testConfigYaml(
      dir,
      pipelines("pushgate-test/pass"),
      "",
      `{ url: "${url}", instance: ${instance} }`,
    );
    const first = await spawnPushgate(dir, yaml);
    try {
      const ready = await getJson(`${first.url}/readyz`);
      expect(ready.json).toMatchObject({ status: "ready", checks: { store: "ok" } });
      const [id = ""] = await pushToHub(first.url, "pushgate-test/pass", "latest");
      expect(await waitForRun(first.url, id)).toMatchObject({ state: "passed", attempt: 1 });
      expect(await first.kill("SIGTERM")).toBe(0);

      const second = await spawnPushgate(dir, yaml);
      try {
        expect(await waitForRun(second.url, id)).toMatchObject({ state: "passed" });
      } finally {
        await second.kill("SIGTERM");
      }
    } finally {
      await first.kill("SIGKILL");
    }
  });
});

describe("the schema", () => {
  it("is migrated once by replicas starting together", async () => {
    const url = await database();
    const pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: url }));
    try {
      await Promise.all(pools.map((pool) => migratePostgres(pool)));
      const check = new pg.Client({ connectionString: url });
      await check.connect();
      const applied = await check.query<{ id: number }>(
        "SELECT id FROM pushgate_migrations ORDER BY id",
      );
      await check.end();
      expect(applied.rows.map((r) => r.id)).toEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1));
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it("stops start-up when it is newer than this pushgate, saying so", async () => {
    const url = await database();
    const store = await PostgresRunStore.open({ url, instance: "x" });
    await store.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("INSERT INTO pushgate_migrations (id) VALUES (999)");
    await client.end();
    await expect(PostgresRunStore.open({ url, instance: "x" })).rejects.toThrow(
      /schema version 999, newer than this pushgate knows/,
    );
    const dir = tempDir();
    const file = join(dir, "pushgate.yml");
    writeFileSync(file, testConfigYaml(dir, "", "", `{ url: "${url}" }`));
    const launched = launchPushgate(dir, { PUSHGATE_CONFIG: file });
    expect(await launched.exited).toBe(1);
    expect(launched.output.join("\n")).toContain(
      "failed to start: the PostgreSQL store has schema version 999, newer than this pushgate knows",
    );
  });
});
