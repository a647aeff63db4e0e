import type { SessionRecord } from "../run-store.js";
import type { Query } from "./postgres-run-queue.js";

interface SessionRow {
  id_hash: string;
  csrf_token: string;
  created_at: Date;
  last_seen_at: Date;
}

/** The sessions table: the dashboard's signed-in sessions, shared by every replica. */
export class PostgresSessions {
  constructor(private readonly query: Query) {}

  async create(session: SessionRecord): Promise<void> {
    await this.query(
      `INSERT INTO sessions (id_hash, csrf_token, created_at, last_seen_at)
         VALUES ($1, $2, $3, $4)`,
      [session.idHash, session.csrfToken, session.createdAt, session.lastSeenAt],
    );
  }

  async get(idHash: string): Promise<SessionRecord | undefined> {
    const [row] = await this.query<SessionRow>(
      "SELECT id_hash, csrf_token, created_at, last_seen_at FROM sessions WHERE id_hash = $1",
      [idHash],
    );
    return (
      row && {
        idHash: row.id_hash,
        csrfToken: row.csrf_token,
        createdAt: row.created_at,
        lastSeenAt: row.last_seen_at,
      }
    );
  }

  async touch(idHash: string, at: Date): Promise<void> {
    await this.query("UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1", [idHash, at]);
  }

  async delete(idHash: string): Promise<void> {
    await this.query("DELETE FROM sessions WHERE id_hash = $1", [idHash]);
  }

  async deleteIdle(before: Date): Promise<number> {
    const [row] = await this.query<{ n: number }>(
      `WITH gone AS (DELETE FROM sessions WHERE last_seen_at < $1 RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
      [before],
    );
    return row?.n ?? 0;
  }
}
