import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freePort } from "../support/ports.js";
import { waitFor } from "../support/wait-for.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** The commands of the README's shell blocks, comments dropped. */
function readmeCommands(): string[] {
  return [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap(([, block = ""]) =>
    block
      .split("\n")
      .map((line) => line.replace(/#.*$/, "").trim())
      .filter(Boolean),
  );
}

describe("the README's commands", () => {
  it("are the two commands and the demo, each run by the suite or CI", () => {
    // npm ci and npm test: .ci/run; npm run demo: test/integration/demo.test.ts; npm start: below.
    expect(readmeCommands()).toEqual(["npm ci && npm start", "npm test", "npm run demo"]);
    expect(readFileSync(new URL("../../.ci/run", import.meta.url), "utf8")).toMatch(
      /npm ci[^\n]*\nnpm test\n/,
    );
  });

  it("npm start, as written, serves the trial run and stops on SIGTERM", async () => {
    const port = await freePort();
    const child = spawn("npm", ["start"], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), PUSHGATE_CONFIG: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    let exitCode: number | null | undefined;
    const exited = new Promise<void>((resolve) =>
      child.once("exit", (code) => {
        exitCode = code;
        resolve();
      }),
    );
    try {
      await waitFor(
        "the trial-run banner",
        () => {
          // Failing to start fails the test at once, with what pushgate said.
          if (exitCode !== undefined) throw new Error(`npm start exited ${exitCode}:\n${output}`);
          return output.includes("npm run demo") ? true : undefined;
        },
        90_000,
      );
      expect(output).toContain("this is a trial run with");
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      // The dashboard is served from the build: its templates and scripts came along.
      const home = await fetch(`http://127.0.0.1:${port}/`);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('<input id="token" name="token" type="password"');
      for (const asset of [
        "/static/dashboard.css",
        "/static/run-output.js",
        "/static/vendor/ansi_up.js",
      ]) {
        expect((await fetch(`http://127.0.0.1:${port}${asset}`)).status, asset).toBe(200);
      }
    } finally {
      child.kill("SIGTERM");
    }
    await exited;
    // npm passed the signal on: pushgate stopped as it does on SIGTERM, and the port is free.
    await waitFor("pushgate to stop", () =>
      output.includes('"message":"stopped"') ? true : undefined,
    );
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  }, 120_000);
});
