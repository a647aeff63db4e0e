import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import {
  runPushgateCommand,
  spawnPushgateIn,
  type SpawnedPushgate,
} from "../support/spawn-pushgate.js";
import { tempDir } from "../support/test-config.js";

const exec = promisify(execFile);

/** Waits for the trial-run message and answers its lines. */
async function trialMessage(pushgate: SpawnedPushgate): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const lines = pushgate.output.filter((line) => !line.startsWith("{"));
    if (lines.some((line) => line.includes("/api/runs"))) return lines;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no trial-run message:\n${pushgate.output.join("\n")}`);
}

/**
 * The example's pipeline would pull acme/web from Docker Hub: these tests are about the
 * message and intake, so the run's pull meets no engine at all and the run errors at once.
 */
const noEngine = (dir: string) => `unix://${join(dir, "no-engine.sock")}`;

/** Runs a line the message printed, as a user pasting it into a shell would. */
async function paste(line: string, env: Record<string, string> = {}): Promise<unknown> {
  const { stdout } = await exec("bash", ["-c", line.trim()], { env: { ...process.env, ...env } });
  return JSON.parse(stdout) as unknown;
}

describe("npm start with no config (a first run)", () => {
  let running: SpawnedPushgate | undefined;
  afterEach(async () => {
    await running?.kill("SIGTERM");
    running = undefined;
  });

  it("runs the example config, says what to configure, and its curl lines work as printed", async () => {
    const cwd = tempDir("pushgate-first-run-");
    running = await spawnPushgateIn(cwd, { PORT: "0", DOCKER_HOST: noEngine(cwd) });
    const lines = await trialMessage(running);

    expect(lines.length).toBeLessThanOrEqual(8);
    expect(lines[0]).toContain("trial run with");
    expect(lines[0]).toContain("pushgate.example.yml");
    expect(lines.join("\n")).toContain("auth.webhookTokens, auth.apiToken and pipelines");
    expect(lines.join("\n")).toContain("check-config");

    const push = lines.find((line) => line.includes("dockerhub-webhook"));
    const list = lines.find((line) => line.includes("/api/runs"));
    expect(push).toContain(`${running.url}/dockerhub-webhook/`);
    const answer = (await paste(push ?? "")) as { status: string; runs: string[] };
    expect(answer.status).toBe("queued");
    expect(answer.runs).toHaveLength(1);

    const runs = (await paste(list ?? "")) as { runs: { id: string; event: object }[] };
    expect(runs.runs.map((run) => run.id)).toEqual(answer.runs);
    expect(runs.runs[0]?.event).toMatchObject({ repository: "acme/web", tag: "latest" });
    // The example's store path is relative: the run is recorded where pushgate was started.
    expect(existsSync(join(cwd, "data", "pushgate.db"))).toBe(true);
  });

  it("shows tokens that came from the environment as variables, never their values", async () => {
    const cwd = tempDir("pushgate-first-run-");
    const env = {
      PORT: "0",
      DOCKER_HOST: noEngine(cwd),
      PUSHGATE_WEBHOOK_TOKEN: "first-run-hook-token-from-env",
      PUSHGATE_API_TOKEN: "first-run-api-token-from-env",
    };
    running = await spawnPushgateIn(cwd, env);
    const lines = await trialMessage(running);
    const text = lines.join("\n");
    expect(text).not.toContain(env.PUSHGATE_WEBHOOK_TOKEN);
    expect(text).not.toContain(env.PUSHGATE_API_TOKEN);
    expect(text).toContain('"$PUSHGATE_WEBHOOK_TOKEN"');

    const push = lines.find((line) => line.includes("dockerhub-webhook")) ?? "";
    expect(await paste(push, env)).toMatchObject({ status: "queued" });
  });
});

describe("the pushgate command line", () => {
  it("stops with exit 78 and how to make a config when the named config file is missing", async () => {
    const missing = join(tempDir(), "pushgate.yml");
    const { code, stderr } = await runPushgateCommand([], { env: { PUSHGATE_CONFIG: missing } });
    expect(code).toBe(78);
    expect(stderr).toContain(`no config file at ${missing}`);
    expect(stderr).toContain("pushgate.example.yml");
    expect(stderr).toContain("/config/pushgate.yml");
  });

  it("runs check-config: 0 and the matching pipelines for the example, 78 for a bad file", async () => {
    const ok = await runPushgateCommand([
      "check-config",
      "pushgate.example.yml",
      "acme/web:latest",
      "acme/web:dev",
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("pushgate.example.yml: valid");
    expect(ok.stdout).toContain("acme/web:latest → example\n");
    expect(ok.stdout).toContain("acme/web:dev → no pipeline matches");

    const bad = await runPushgateCommand(["check-config", "package.json"]);
    expect(bad.code).toBe(78);
    expect(bad.stderr).toContain("package.json: invalid configuration");
  });

  it("refuses an unknown command with the usage and exit 64", async () => {
    const { code, stderr } = await runPushgateCommand(["chek-config"]);
    expect(code).toBe(64);
    expect(stderr).toContain('unknown command "chek-config"');
    expect(stderr).toContain("pushgate check-config");
  });
});
