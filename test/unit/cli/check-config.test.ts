import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkConfig } from "../../../src/cli/check-config.js";
import { tempDir } from "../../support/test-config.js";

const CONFIG = `listen: { host: 0.0.0.0, port: 9000 }
auth: { webhookTokens: ["\${HOOK_TOKEN}"], apiToken: api-token-secret-1 }
jenkins: { url: "http://ci.example:8080/", user: pushgate, token: "\${JENKINS_TOKEN}" }
registries:
  - { host: "registry.example.com:5000", aliases: ["registry:5000"] }
pipelines:
  - name: web
    match: { repository: "acme/web", tags: ["latest", "v*"] }
  - name: everything-acme
    match: { repository: "acme/**" }
  - name: private
    match: { repository: "registry.example.com:5000/team/*", sources: [registry] }
  - name: acr-only
    match: { repository: "registry.example.com:5000/team/*", sources: [acr] }
`;
const ENV = { HOOK_TOKEN: "hook-token-secret-1", JENKINS_TOKEN: "jenkins-token-secret" };

async function run(args: string[], env: Record<string, string | undefined> = ENV) {
  let stdout = "";
  let stderr = "";
  const code = await checkConfig(args, env, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

function configFile(text = CONFIG): string {
  const file = join(tempDir(), "pushgate.yml");
  writeFileSync(file, text);
  return file;
}

describe("pushgate check-config", () => {
  it("says the file is valid, summarises it, and names the pipelines each image would run", async () => {
    const file = configFile();
    const { code, stdout, stderr } = await run([
      file,
      "acme/web:latest",
      "acme/web:dev",
      "other/thing:v1",
      "registry.example.com:5000/team/app:v1",
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.split("\n")).toEqual([
      `${file}: valid`,
      "  listen     0.0.0.0:9000",
      "  store      ./data/pushgate.db",
      "  docker     unix:///var/run/docker.sock (2 tests at once)",
      "  jenkins    http://ci.example:8080 (user pushgate, API token)",
      "  pipelines  web, everything-acme, private, acr-only",
      "acme/web:latest → web, everything-acme",
      "acme/web:dev → everything-acme",
      'other/thing:v1 → no pipeline matches (the push is answered "ignored")',
      "registry.example.com:5000/team/app:v1 → private (only when sent by registry), acr-only (only when sent by acr)",
      "",
    ]);
  });

  it("names the pipelines of a registry's alias as intake does, under the registry's name", async () => {
    const { code, stdout } = await run([configFile(), "registry:5000/team/app:v1"]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      "registry:5000/team/app:v1 (registry registry.example.com:5000) → private (only when sent by registry), acr-only",
    );
  });

  it("prints no secret from the file or the environment", async () => {
    const { stdout } = await run([configFile(), "acme/web"]);
    for (const secret of [...Object.values(ENV), "api-token-secret-1"]) {
      expect(stdout).not.toContain(secret);
    }
  });

  it("reads $PUSHGATE_CONFIG when no file is named", async () => {
    const file = configFile();
    const { code, stdout } = await run(["acme/web:v2"], { ...ENV, PUSHGATE_CONFIG: file });
    expect(code).toBe(0);
    expect(stdout).toContain(`${file}: valid`);
    expect(stdout).toContain("acme/web:v2 → web, everything-acme");
  });

  it("exits 78 with one line per problem for an invalid file", async () => {
    const file = configFile(`auth: { webhookTokens: [short] }\npipelines: [{ name: web }]\n`);
    const { code, stdout, stderr } = await run([file]);
    expect(code).toBe(78);
    expect(stdout).toBe("");
    expect(stderr).toContain(`${file}: invalid configuration`);
    expect(stderr).toContain("auth.webhookTokens[0]: must be at least 8 characters");
    expect(stderr).toContain("auth.apiToken: required");
    expect(stderr).toContain("pipelines[0].match: required");
  });

  it("exits 78 naming an unset environment variable the file needs", async () => {
    const { code, stderr } = await run([configFile()], { HOOK_TOKEN: "hook-token-secret-1" });
    expect(code).toBe(78);
    expect(stderr).toContain("environment variable JENKINS_TOKEN is not set");
  });

  it("says one line per unset variable, not also that the value is empty", async () => {
    const { code, stderr } = await run([configFile()], { HOOK_TOKEN: "hook-token-secret-1" });
    expect(code).toBe(78);
    expect(stderr.split("\n").filter((line) => line.includes("jenkins.token"))).toEqual([
      "  jenkins.token: environment variable JENKINS_TOKEN is not set",
    ]);
  });

  it("suggests the known setting an unknown key is close to", async () => {
    const file = configFile(
      `${CONFIG}  - { name: typo, mach: {}, match: { repository: x } }\npipeline: []\nlisten_: {}\nstore: { pth: x }\n`,
    );
    const { code, stderr } = await run([file]);
    expect(code).toBe(78);
    expect(stderr).toContain("  pipeline: is not a known setting: did you mean pipelines?\n");
    expect(stderr).toContain("  listen_: is not a known setting: did you mean listen?\n");
    expect(stderr).toContain("  store.pth: is not a known setting: did you mean path?\n");
    expect(stderr).toContain("  pipelines[4].mach: is not a known setting: did you mean match?\n");
    const far = await run([configFile(`${CONFIG}colour: blue\n`)]);
    expect(far.stderr).toContain("  colour: is not a known setting\n");
  });

  it("warns, valid and exit 0, of patterns that never match, a host network and unmatched pipelines", async () => {
    const file = configFile(`${CONFIG}  - name: shouty
    match: { repository: "Acme/Web" }
  - name: hosted
    match: { repository: "acme/hosted" }
    test: { network: host }
`);
    const { code, stdout } = await run([file, "acme/web:latest"]);
    expect(code).toBe(0);
    const warnings = stdout.split("\n").filter((line) => line.startsWith("warning: "));
    expect(warnings).toEqual([
      'warning: pipelines[4].match.repository: "Acme/Web" never matches: repository names and registry hosts are lower case',
      "warning: pipelines[5].test.network: host gives the test the host's network; the default, none, gives it none",
      "warning: pipeline private: none of the images given matches it",
      "warning: pipeline acr-only: none of the images given matches it",
      "warning: pipeline shouty: none of the images given matches it",
      "warning: pipeline hosted: none of the images given matches it",
    ]);
    // With no image given, nothing is said of matching.
    expect((await run([file])).stdout).not.toContain("none of the images given");
  });

  it("exits 78 for a file that does not exist", async () => {
    const { code, stderr } = await run(["/nonexistent/pushgate.yml"]);
    expect(code).toBe(78);
    expect(stderr).toContain("/nonexistent/pushgate.yml: invalid configuration\n  file not found");
  });

  it("exits 64 with the usage for an argument that is not an image reference", async () => {
    const { code, stderr } = await run([configFile(), "Acme/Web:latest"]);
    expect(code).toBe(64);
    expect(stderr).toContain('"Acme/Web" is not a repository name');
    expect(stderr).toContain("Usage: pushgate check-config");
  });
});
