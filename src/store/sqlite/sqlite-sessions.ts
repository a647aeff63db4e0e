import type { SessionRecord } from "../run-store.js";
import type { Prepare } from "./sqlite-run-actions.js";

interface SessionRow {
  id_hash: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
}

/** The sessions table: the dashboard's signed-in sessions, by the hash of their id. */
export class SqliteSessions {
  constructor(private readonly prepare: Prepare) {}

  create(session: SessionRecord): void {
    this.prepare(
      `INSERT INTO sessions (id_hash, csrf_token, created_at, last_seen_at)
         VALUES (@idHash, @csrfToken, @createdAt, @lastSeenAt)`,
    ).run({
      idHash: session.idHash,
      csrfToken: session.csrfToken,
      createdAt: session.createdAt.toISOString(),
      lastSeenAt: session.lastSeenAt.toISOString(),
    });
  }

  get(idHash: string): SessionRecord | undefined {
    const row = this.prepare<[string], SessionRow>(
      "SELECT id_hash, csrf_token, created_at, last_seen_at FROM sessions WHERE id_hash = ?",
    ).get(idHash);
    return (
      row && {
        idHash: row.id_hash,
        csrfToken: row.csrf_token,
        createdAt: new Date(row.created_at),
        lastSeenAt: new Date(row.last_seen_at),
      }
    );
  }

  touch(idHash: string, at: Date): void {
    this.prepare("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?").run(
      at.toISOString(),
      idHash,
    );
  }

  delete(idHash: string): void {
    this.prepare("DELETE FROM sessions WHERE id_hash = ?").run(idHash);
  }

  deleteIdle(before: Date): number {
    return this.prepare("DELETE FROM sessions WHERE last_seen_at < ?").run(before.toISOString())
      .changes;
  }
}
