import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import Database from "better-sqlite3";

/** Another process holds the SQLite file: one pushgate per file. */
export class StoreInUseError extends Error {
  constructor(path: string, holder: string | undefined) {
    super(
      `${path} is in use by another pushgate (${holder ?? "a process that has not said which"}): one pushgate runs on one SQLite file. To run several, share a PostgreSQL database instead (store.url, see docs/replicas.md)`,
    );
    this.name = "StoreInUseError";
  }
}

export interface FileLock {
  release(): void;
}

/**
 * Holds `path`'s lock for the life of this process: a write transaction kept open on the
 * lock file beside it (SQLite's own lock, let go by the system when the process ends, however
 * it ends). Who holds it is written beside it, for the message a second process gets.
 */
export function lockSqliteFile(path: string): FileLock {
  const lockPath = `${path}.lock`;
  const ownerPath = `${path}.owner`;
  const lock = new Database(lockPath);
  lock.pragma("busy_timeout = 0");
  try {
    lock.exec("BEGIN IMMEDIATE");
  } catch (error) {
    lock.close();
    if ((error as { code?: unknown }).code !== "SQLITE_BUSY") throw error;
    throw new StoreInUseError(path, holderOf(ownerPath));
  }
  const since = new Date().toISOString();
  writeFileSync(ownerPath, `pid ${process.pid} on ${hostname()}, since ${since}\n`);
  return {
    release: () => {
      if (!lock.open) return;
      lock.exec("ROLLBACK");
      lock.close();
      rmSync(ownerPath, { force: true });
    },
  };
}

function holderOf(ownerPath: string): string | undefined {
  try {
    return readFileSync(ownerPath, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
