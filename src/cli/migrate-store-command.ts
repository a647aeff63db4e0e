import { StoreInUseError } from "../store/sqlite/lock-sqlite-file.js";
import { EXIT_USAGE } from "./check-config.js";

export const MIGRATE_STORE_USAGE = `pushgate migrate-store --from FILE.db --to postgres://...
  Copies a SQLite store (runs, their output, actions and promotions, the heads that
  recognise duplicates, the pause) into an empty PostgreSQL database, all or nothing. Stop the pushgate using the
  file first; then start the replicas with store.url (or DATABASE_URL).`;

interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** `pushgate migrate-store --from FILE --to URL`: the exit code. */
export async function migrateStore(args: readonly string[], io: Io): Promise<number> {
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const from = value("--from");
  const to = value("--to");
  if (!from || !to || args.length !== 4 || !/^postgres(ql)?:\/\//.test(to)) {
    io.stderr.write(
      `pushgate migrate-store: --from FILE.db and --to postgres://... are needed\n\n${MIGRATE_STORE_USAGE}\n`,
    );
    return EXIT_USAGE;
  }
  // PostgreSQL's client is loaded only by the commands that use it.
  const { CopyRefusedError, copySqliteToPostgres } =
    await import("../store/copy-sqlite-to-postgres.js");
  try {
    const copied = await copySqliteToPostgres(from, to);
    io.stdout.write(
      `copied ${copied.runs} runs, ${copied.events} events, ${copied.heads} heads, ${copied.run_logs} outputs, ${copied.run_actions} actions and ${copied.promotions} promotions from ${from}\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof CopyRefusedError || error instanceof StoreInUseError)) throw error;
    io.stderr.write(`pushgate migrate-store: ${error.message}; nothing was copied\n`);
    return 1;
  }
}
