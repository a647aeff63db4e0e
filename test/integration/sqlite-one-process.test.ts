import { describe, expect, it } from "vitest";
import { launchPushgate, spawnPushgate } from "../support/spawn-pushgate.js";
import { tempDir, testConfigYaml } from "../support/test-config.js";
import { join } from "node:path";

describe("one pushgate per SQLite file", () => {
  it("refuses a second process on the file, naming the first, until the first is gone", async () => {
    const dir = tempDir();
    const first = await spawnPushgate(dir, testConfigYaml(dir));
    try {
      const second = launchPushgate(dir, { PUSHGATE_CONFIG: join(dir, "pushgate.yml") });
      expect(await second.exited).toBe(1);
      const said = second.output.join("\n");
      expect(said).toContain(
        `${join(dir, "pushgate.db")} is in use by another pushgate (pid ${first.process.pid} on `,
      );
      expect(said).toContain("share a PostgreSQL database instead (store.url");
    } finally {
      await first.kill("SIGKILL");
    }
    // Killed, it holds nothing: the system let go of its lock.
    const third = await spawnPushgate(dir, testConfigYaml(dir));
    expect(await third.kill("SIGTERM")).toBe(0);
  });
});
