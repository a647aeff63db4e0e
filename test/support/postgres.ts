import { randomBytes } from "node:crypto";
import pg from "pg";

/** The superuser URL of the test run's own PostgreSQL cluster (scripts/test-env.sh). */
export function testDatabaseUrl(): string {
  const url = process.env.PUSHGATE_TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      "PUSHGATE_TEST_DATABASE_URL is not set: run the tests through scripts/test-env.sh, which starts PostgreSQL",
    );
  }
  return url;
}

/** Runs one statement as the superuser. */
export async function adminQuery(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/**
 * A new, empty database of the test cluster; its URL. `drop` removes it (and ends the
 * sessions still on it).
 */
export async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `pushgate_${randomBytes(6).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** A new, empty schema of the test cluster's database; a URL whose search_path is it. */
export async function freshSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `pushgate_${randomBytes(6).toString("hex")}`;
  await adminQuery(`CREATE SCHEMA ${name}`);
  const url = new URL(testDatabaseUrl());
  url.searchParams.set("options", `-c search_path=${name}`);
  return {
    url: url.toString(),
    drop: async () => {
      await adminQuery(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    },
  };
}
