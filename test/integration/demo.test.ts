import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { docker } from "../support/docker-cli.js";
import { instanceIdOf, recordInstance } from "../support/docker-objects.js";
import { freePort } from "../support/ports.js";
import { tempDir } from "../support/test-config.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** `npm run demo -- --once` as a newcomer runs it: its exit code and what it printed. */
function runDemo(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "demo", "--", "--once"], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, output }));
  });
}

describe("npm run demo -- --once", () => {
  it("shows one run pass and one fail, exits 0, and leaves nothing running", async () => {
    const dir = tempDir("pushgate-demo-");
    const port = await freePort();
    const { code, output } = await runDemo({ PORT: String(port), PUSHGATE_DEMO_DIR: dir });
    const store = join(dir, "demo.db");
    if (existsSync(store)) recordInstance(instanceIdOf(store));

    expect(output).toContain(`demo: pushgate on http://127.0.0.1:${port}`);
    expect(output).toContain(`demo: the dashboard on http://127.0.0.1:${port}/ (sign in with`);
    expect(output).toMatch(/\/demo\/hello-passes:latest +passed in /);
    expect(output).toMatch(/\| 2 tests passed/);
    expect(output).toMatch(/\/demo\/hello-fails:latest +failed: exit code 1 in /);
    expect(output).toMatch(/\| test 2: 2 \+ 2 is 5 \.\.\. FAILED/);
    expect(output).toContain("demo: both verdicts as expected");
    expect(code).toBe(0);

    // pushgate and the registry were stopped, and the demo's images removed.
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    const images = await docker(["images", "--format", "{{.Repository}}"]);
    expect(images.split("\n").filter((name) => /\/demo\/hello-/.test(name))).toEqual([]);
  }, 240_000);
});
