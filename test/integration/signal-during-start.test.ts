import { readdirSync, readlinkSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SqliteRunStore } from "../../src/store/sqlite/sqlite-run-store.js";
import { launchPushgate } from "../support/spawn-pushgate.js";
import { tempDir, testConfigYaml } from "../support/test-config.js";
import { waitFor } from "../support/wait-for.js";

// A signal while pushgate is still starting. Start-up is held up the way a slow disk would
// hold it: another process keeps the store locked, and pushgate waits for it (busy_timeout).

/** Whether process `pid` has `file` open: once it has, its signal handlers are in place. */
function hasOpen(pid: number, file: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

describe("a stop signal during start-up", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "%s: pushgate finishes starting, then stops and exits 0",
    async (signal) => {
      const dir = tempDir();
      const dbPath = join(dir, "pushgate.db");
      await new SqliteRunStore(dbPath).close(); // the store of an earlier run
      const configFile = join(dir, "pushgate.yml");
      writeFileSync(
        configFile,
        testConfigYaml(dir, `docker: { host: "unix://${join(dir, "no-engine.sock")}" }\n`),
      );
      const holder = new Database(dbPath);
      holder.exec("BEGIN IMMEDIATE"); // the write lock pushgate's start-up waits for
      const pushgate = launchPushgate(dir, { PUSHGATE_CONFIG: configFile });
      try {
        const pid = pushgate.process.pid ?? 0;
        const file = realpathSync(dbPath);
        await waitFor("pushgate to open its store", () => (hasOpen(pid, file) ? true : undefined));
        pushgate.process.kill(signal);
        await sleep(300);
        expect(pushgate.process.exitCode).toBeNull(); // still starting: the lock is held
        holder.exec("ROLLBACK");
        expect(await pushgate.exited).toBe(0);
      } finally {
        if (holder.inTransaction) holder.exec("ROLLBACK");
        holder.close();
        if (pushgate.process.exitCode === null) pushgate.process.kill("SIGKILL");
      }
      const messages = pushgate.output.map((line) => {
        try {
          return (JSON.parse(line) as { message?: string; signal?: string }) ?? {};
        } catch {
          return {};
        }
      });
      expect(messages.map((m) => m.message)).toEqual(
        expect.arrayContaining(["listening", "shutting down", "stopped"]),
      );
      expect(messages.find((m) => m.message === "shutting down")?.signal).toBe(signal);
      expect(messages.at(-1)?.message).toBe("stopped");
    },
  );
});
