import type Database from "better-sqlite3";
import { MIGRATIONS } from "./migrations.js";

/**
 * Brings a SQLite file to the schema this pushgate knows (PRAGMA user_version counts the
 * migrations applied), all in one transaction. A file from a newer pushgate is refused.
 */
export function migrateSqlite(db: Database.Database, path: string): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `${path} has store schema version ${current}, newer than this pushgate knows (${MIGRATIONS.length}): run a newer pushgate on it`,
    );
  }
  if (current === MIGRATIONS.length) return;
  // SQLite's procedure for rebuilding a table others refer to: foreign keys off outside the
  // transaction (the pragma does nothing inside one), checked before the commit, on again.
  db.pragma("foreign_keys = OFF");
  try {
    db.transaction(() => {
      MIGRATIONS.slice(current).forEach((sql) => db.exec(sql));
      const broken = db.pragma("foreign_key_check") as { table: string }[];
      if (broken.length > 0) {
        const where = broken[0]?.table;
        throw new Error(`store upgrade left ${broken.length} dangling references (in ${where})`);
      }
      db.pragma(`user_version = ${MIGRATIONS.length}`);
    })();
  } finally {
    db.pragma("foreign_keys = ON");
  }
}
