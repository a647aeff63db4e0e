import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import {
  runPushgateCommand,
  spawnPushgateIn,
  type SpawnedPushgate,
} from "../support/spawn-pushgate.js";
import { tempDir, testConfigYaml } from "../support/test-config.js";

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

    expect(lines.length).toBeLessThanOrEqual(9);
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
    // A trial keeps its runs apart, where pushgate was started, and says so.
    expect(lines.join("\n")).toContain("Its runs are kept in ./data/trial.db");
    expect(existsSync(join(cwd, "data", "trial.db"))).toBe(true);
    expect(existsSync(join(cwd, "data", "pushgate.db"))).toBe(false);
    // In a clone: the check-config command as it runs here, and the demo.
    expect(lines.join("\n")).toContain("npm run check-config -- pushgate.yml acme/web:latest");
    expect(lines.join("\n")).toContain("npm run demo");
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
    // Started from a clone: the command that works here.
    expect(stderr).toContain("npm run check-config -- pushgate.yml acme/web:latest");

    // In the image, the docker run form with the file mounted where the image reads it.
    const image = await runPushgateCommand([], {
      env: { PUSHGATE_CONFIG: missing, PUSHGATE_IN_IMAGE: "1" },
    });
    expect(image.stderr).toContain(
      'docker run --rm -v "$PWD/pushgate.yml:/config/pushgate.yml:ro" IMAGE check-config acme/web:latest',
    );
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

  it("says the port is in use and which setting changes it (exit 1)", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const dir = tempDir();
      const config = join(dir, "pushgate.yml");
      writeFileSync(config, testConfigYaml(dir));
      const { code, stderr } = await runPushgateCommand([], {
        env: { PUSHGATE_CONFIG: config, PORT: String(port) },
      });
      expect(code).toBe(1);
      expect(stderr).toBe(`pushgate: port ${port} is in use: set PORT or listen.port\n`);
    } finally {
      blocker.close();
    }
  });

  it("answers --version and -v with the package's version", async () => {
    const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    for (const flag of ["--version", "-v"]) {
      const { code, stdout } = await runPushgateCommand([flag]);
      expect(code).toBe(0);
      expect(stdout).toBe(`pushgate ${version}\n`);
    }
  });

  it("--help lists the commands, the environment variables and the exit codes", async () => {
    const { code, stdout } = await runPushgateCommand(["--help"]);
    expect(code).toBe(0);
    for (const word of [
      "check-config",
      "--version",
      "PUSHGATE_CONFIG",
      "PORT",
      "DOCKER_HOST",
      "PUSHGATE_WEBHOOK_TOKEN",
      "PUSHGATE_API_TOKEN",
      "Exit codes",
      "78",
      "130",
    ]) {
      expect(stdout).toContain(word);
    }
  });

  it("refuses an unknown command with the usage and exit 64", async () => {
    const { code, stderr } = await runPushgateCommand(["chek-config"]);
    expect(code).toBe(64);
    expect(stderr).toContain('unknown command "chek-config"');
    expect(stderr).toContain("pushgate check-config");
  });
});
