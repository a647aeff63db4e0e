import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import type pg from "pg";
import { PostgresRunStore } from "./postgres/postgres-run-store.js";
import { SqliteRunStore } from "./sqlite/sqlite-run-store.js";

/** The copy was refused: nothing was written. */
export class CopyRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CopyRefusedError";
  }
}

/** How many rows of each table were copied. */
export type Copied = Record<(typeof TABLES)[number]["name"], number>;

/**
 * The tables in the order their references allow, and their columns as both schemas have
 * them (PostgreSQL reads SQLite's ISO times and JSON text as timestamptz and jsonb). A run's
 * retry_of is written once every run is in; what a process held (leases) is not copied, nor
 * are the dashboard's sessions (people sign in again).
 */
const TABLES = [
  {
    name: "events",
    columns: [
      "id",
      "dedupe_key",
      "source",
      "registry",
      "repository",
      "tag",
      "digest",
      "pushed_at",
      "pusher",
      "callback_url",
      "received_at",
    ],
  },
  { name: "heads", columns: ["head_key", "dedupe_key", "event_id"] },
  {
    name: "runs",
    columns: [
      "id",
      "event_id",
      "pipeline",
      "state",
      "reason",
      "attempt",
      "image_digest",
      "image_source",
      "exit_code",
      "verdict",
      "steps",
      "image",
      "created_at",
      "updated_at",
      "finished_at",
    ],
  },
  {
    name: "run_logs",
    columns: ["run_id", "head", "tail", "total_bytes", "dropped_bytes", "updated_at"],
  },
  {
    name: "run_actions",
    columns: [
      "run_id",
      "id",
      "position",
      "kind",
      "target",
      "state",
      "attempt_count",
      "attempts",
      "error",
      "result",
      "created_at",
      "updated_at",
    ],
  },
  {
    name: "promotions",
    columns: [
      "run_id",
      "registry",
      "repository",
      "tag",
      "digest",
      "pushed_digest",
      "promoted_at",
      "created_at",
    ],
    // In the order they were first written: PostgreSQL numbers them as they come in.
    order: "created_at, rowid",
  },
] as const;

const BATCH = 500;

/**
 * Copies a SQLite store (history, heads, output, actions, promotions, the pause) into an empty PostgreSQL
 * database, all in one transaction: on any failure nothing is written. The file is first
 * brought to this pushgate's schema. A database holding any run or event is refused.
 */
export async function copySqliteToPostgres(from: string, to: string): Promise<Copied> {
  if (!existsSync(from)) throw new CopyRefusedError(`${from}: no such file`);
  // Brought to this schema first, and refused while a pushgate holds the file.
  await new SqliteRunStore(from, { exclusive: true }).close();
  const source = new Database(from, { readonly: true, fileMustExist: true });
  const target = await PostgresRunStore.open({ url: to, instance: "migrate-store" });
  try {
    const [held] = await target.query<{ n: string }>(
      "SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM runs) AS n",
    );
    if (Number(held?.n ?? 0) > 0) {
      throw new CopyRefusedError(
        "the PostgreSQL database already holds runs or events: migrate-store only writes into an empty one",
      );
    }
    return await target.transaction(async (client) => {
      const copied = {} as Copied;
      for (const table of TABLES) copied[table.name] = await copyTable(source, client, table);
      await client.query(
        `UPDATE runs SET retry_of = r.retry_of FROM (SELECT * FROM unnest($1::text[], $2::text[])
           AS t (id, retry_of)) AS r WHERE runs.id = r.id`,
        retryLinks(source),
      );
      const paused = source.prepare("SELECT value FROM meta WHERE key = 'queue.paused'").get() as
        { value: string } | undefined;
      if (paused) {
        await client.query(
          `INSERT INTO meta (key, value) VALUES ('queue.paused', $1)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
          [paused.value],
        );
      }
      return copied;
    });
  } finally {
    source.close();
    await target.close();
  }
}

async function copyTable(
  source: Database.Database,
  client: pg.PoolClient,
  table: (typeof TABLES)[number],
): Promise<number> {
  const columns = table.columns.join(", ");
  const order = "order" in table ? ` ORDER BY ${table.order}` : "";
  const rows = source
    .prepare(`SELECT ${columns} FROM ${table.name}${order}`)
    .raw()
    .all() as unknown[][];
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    const width = table.columns.length;
    const values = batch.map(
      (_, r) => `(${table.columns.map((_c, c) => `$${r * width + c + 1}`).join(", ")})`,
    );
    await client.query(
      `INSERT INTO ${table.name} (${columns}) VALUES ${values.join(", ")}`,
      batch.flat(),
    );
  }
  return rows.length;
}

function retryLinks(source: Database.Database): [string[], string[]] {
  const links = source
    .prepare("SELECT id, retry_of FROM runs WHERE retry_of IS NOT NULL")
    .all() as { id: string; retry_of: string }[];
  return [links.map((l) => l.id), links.map((l) => l.retry_of)];
}
