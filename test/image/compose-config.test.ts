import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { tempDir } from "../support/test-config.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const JENKINS_DIR = join(ROOT, "jenkins");
const ENV = {
  PUSHGATE_WEBHOOK_TOKEN: "compose-hook-token",
  PUSHGATE_API_TOKEN: "compose-api-token",
  PUSHGATE_JENKINS_PASSWORD: "compose-jenkins-password",
  JENKINS_ADMIN_PASSWORD: "compose-admin-password",
  DOCKER_GID: "999",
};

/** `docker-compose config`: Docker's own schema check and interpolation of the compose file. */
function composeConfig(env: Record<string, string>) {
  // An empty env file, so a developer's jenkins/.env cannot fill in what the test leaves out.
  const envFile = join(tempDir(), "empty.env");
  writeFileSync(envFile, "");
  const { PUSHGATE_WEBHOOK_TOKEN: _a, PUSHGATE_API_TOKEN: _b, ...inherited } = process.env;
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      "docker-compose",
      ["--env-file", envFile, "--file", join(JENKINS_DIR, "docker-compose.yml"), "config"],
      { cwd: JENKINS_DIR, env: { ...inherited, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("jenkins/docker-compose.yml, as docker-compose reads it", () => {
  it("is valid, and builds pushgate from this repository's Dockerfile", async () => {
    const { code, stdout, stderr } = await composeConfig(ENV);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const config = parse(stdout) as {
      services: Record<string, { build?: { context: string }; group_add?: string[] }>;
    };
    expect(Object.keys(config.services).sort()).toEqual(["jenkins", "pushgate", "registry"]);
    expect(config.services.pushgate?.build?.context).toBe(ROOT.replace(/\/$/, ""));
    expect(config.services.pushgate?.group_add).toEqual(["999"]);
  });

  it("refuses to start without a secret, saying where to set it", async () => {
    const { DOCKER_GID: _gid, ...withoutGid } = ENV;
    const { code, stderr } = await composeConfig(withoutGid);
    expect(code).not.toBe(0);
    expect(stderr).toContain("set DOCKER_GID in .env to the group of the Docker socket");
  });
});
