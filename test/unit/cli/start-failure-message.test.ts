import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startFailureMessage } from "../../../src/cli/start-failure-message.js";
import { SqliteThreadStore } from "../../../src/store/sqlite/sqlite-thread-store.js";
import { tempDir } from "../../support/test-config.js";

const listen = { host: "127.0.0.1", port: 8080 };

describe("why pushgate could not start", () => {
  it("names the store's file when it is not a SQLite database", async () => {
    const path = join(tempDir(), "notes.txt");
    writeFileSync(path, "these are my notes, not runs\n".repeat(200));
    const error = await SqliteThreadStore.open(path, { exclusive: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(startFailureMessage(error, { listen, store: { path } })).toBe(
      `cannot open the store ${path}: file is not a database (SQLITE_NOTADB): set store.path to another file`,
    );
  });

  it("gives the setting to change when the port is taken", () => {
    const error = Object.assign(new Error("listen EADDRINUSE"), { code: "EADDRINUSE" });
    expect(startFailureMessage(error, { listen })).toBe(
      "port 8080 is in use: set PORT or listen.port",
    );
  });
});
