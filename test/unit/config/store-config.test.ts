import { describe, expect, it } from "vitest";
import { checkConfig } from "../../../src/cli/check-config.js";
import { collectSecrets } from "../../../src/config/collect-secrets.js";
import { parseConfig } from "../../../src/config/load-config.js";
import { AUTH, problemsOf } from "../../support/config-problems.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../../support/test-config.js";

const URL = "postgres://pushgate:s3cret-pass@db.example:5432/pushgate?sslmode=verify-full";

describe("the store setting", () => {
  it("is a SQLite file by default, with a 30 s lease", () => {
    expect(parseConfig(AUTH, {}).store).toEqual({
      path: "./data/pushgate.db",
      leaseMs: 30_000,
      retention: {},
    });
  });

  it("selects PostgreSQL with store.url, sslmode and all, and takes a lease and an instance", () => {
    const config = parseConfig(
      `${AUTH}store: { url: "${URL}", lease: 45s, instance: r-1, retention: { maxAge: 30d, keepPerPipeline: 100 } }`,
      {},
    );
    expect(config.store).toEqual({
      url: URL,
      leaseMs: 45_000,
      instance: "r-1",
      retention: { maxAgeMs: 30 * 24 * 3600_000, keepPerPipeline: 100 },
    });
  });

  it("takes DATABASE_URL when the file names no store, and the file's store when it does", () => {
    expect(parseConfig(AUTH, { DATABASE_URL: URL }).store.url).toBe(URL);
    expect(parseConfig(`${AUTH}store: { lease: 1m }`, { DATABASE_URL: URL }).store).toEqual({
      url: URL,
      leaseMs: 60_000,
      retention: {},
    });
    const file = parseConfig(`${AUTH}store: { path: ./runs.db }`, { DATABASE_URL: URL });
    expect(file.store).toEqual({ path: "./runs.db", leaseMs: 30_000, retention: {} });
  });

  it("names what is wrong: both engines, a URL of another kind, from the file or the environment", () => {
    expect(problemsOf(`${AUTH}store: { path: ./a.db, url: "${URL}" }`)).toEqual([
      "store: set store.path (SQLite) or store.url (PostgreSQL), not both",
    ]);
    expect(problemsOf(`${AUTH}store: { url: "mysql://db/x" }`)).toEqual([
      "store.url: must be a postgres:// URL",
    ]);
    expect(problemsOf(AUTH, { DATABASE_URL: "mysql://db/x" })).toEqual([
      "DATABASE_URL: must be a postgres:// URL",
    ]);
    expect(problemsOf(`${AUTH}store: { url: "${URL}", instance: "a b" }`)).toEqual([
      "store.instance: must be letters, digits, . _ - (at most 64)",
    ]);
  });

  it("keeps the database password out of logs and out of check-config", async () => {
    const config = parseConfig(`${AUTH}store: { url: "${URL}" }`, {});
    expect(collectSecrets(config)).toEqual(expect.arrayContaining([URL, "s3cret-pass"]));
    const file = join(tempDir(), "pushgate.yml");
    writeFileSync(file, `${AUTH}store: { url: "${URL}" }\n`);
    let stdout = "";
    const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true } };
    expect(await checkConfig([file], {}, io)).toBe(0);
    expect(stdout).toContain(
      "  store      PostgreSQL pushgate@db.example:5432/pushgate (lease 30s, sslmode=verify-full)",
    );
    expect(stdout).not.toContain("s3cret");
  });
});
