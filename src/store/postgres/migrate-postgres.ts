import type { Pool } from "pg";
import { POSTGRES_MIGRATIONS } from "./postgres-migrations.js";

/** Advisory lock keys (the two-integer form): pushgate's space, then what is locked. */
export const LOCK_SPACE = 0x70757368; // "push"
export const MIGRATION_LOCK = 1;

/** The database was migrated by a newer pushgate than this one. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `the PostgreSQL store has schema version ${found}, newer than this pushgate knows (${known}): run a pushgate at least as new as the one that migrated it`,
    );
    this.name = "SchemaTooNewError";
  }
}

/**
 * Brings the database to the schema this pushgate knows, in one transaction under an
 * advisory lock: replicas starting together migrate it once, the others wait and find it
 * done. A schema newer than this pushgate stops start-up.
 */
export async function migratePostgres(pool: Pool): Promise<void> {
  const client = await pool.connect();
  const ignore = (): void => undefined;
  client.on("error", ignore);
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1, $2)", [LOCK_SPACE, MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS pushgate_migrations (
      id integer PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number | null }>(
      "SELECT max(id) AS version FROM pushgate_migrations",
    );
    const current = rows[0]?.version ?? 0;
    if (current > POSTGRES_MIGRATIONS.length) {
      throw new SchemaTooNewError(current, POSTGRES_MIGRATIONS.length);
    }
    for (const [index, sql] of POSTGRES_MIGRATIONS.entries()) {
      if (index < current) continue;
      await client.query(sql);
      await client.query("INSERT INTO pushgate_migrations (id) VALUES ($1)", [index + 1]);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.off("error", ignore);
    client.release();
  }
}
