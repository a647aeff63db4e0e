import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { JENKINS_PARAMETER_NAMES } from "../../../src/actions/jenkins-parameters-of.js";

const read = (name: string): string =>
  readFileSync(new URL(`../../../jenkins/${name}`, import.meta.url), "utf8");

const sorted = (names: Iterable<string>): string[] => [...names].sort();

describe("jenkins/ examples", () => {
  it("config.xml declares exactly the parameters pushgate sends", () => {
    const xml = read("config.xml");
    const declared = [
      ...xml.matchAll(/<hudson\.model\.StringParameterDefinition>\s*<name>([^<]+)<\/name>/g),
    ].map((m) => m[1] ?? "");
    expect(sorted(declared)).toEqual(sorted(JENKINS_PARAMETER_NAMES));
    expect(xml).toContain("<scriptPath>jenkins/Jenkinsfile</scriptPath>");
  });

  it("the Jenkinsfile declares the same parameters and deploys PUSHGATE_IMAGE", () => {
    const jenkinsfile = read("Jenkinsfile");
    const declared = [...jenkinsfile.matchAll(/string\(name: '([^']+)'/g)].map((m) => m[1] ?? "");
    expect(sorted(declared)).toEqual(sorted(JENKINS_PARAMETER_NAMES));
    expect(jenkinsfile).toMatch(/docker pull "\$PUSHGATE_IMAGE"/);
    // Parameters reach the shell only as quoted environment variables, never spliced in.
    const shellBlocks = [...jenkinsfile.matchAll(/sh '''([\s\S]*?)'''/g)].map((m) => m[1] ?? "");
    expect(shellBlocks.length).toBeGreaterThan(0);
    for (const block of shellBlocks) expect(block).not.toMatch(/\$\{?params/);
  });

  it("the Jenkinsfile deploys only when DEPLOY_SERVICE is set, else records what it would deploy", () => {
    const jenkinsfile = read("Jenkinsfile");
    const stages = jenkinsfile.split(/\n\s*stage\('/).slice(1);
    const deploying = stages.filter((stage) => /docker (pull|service)/.test(stage));
    expect(deploying.length).toBeGreaterThan(0);
    const whenSet =
      /when \{ expression \{ return env\.DEPLOY_SERVICE\?\.trim\(\) \? true : false \} \}/;
    const whenUnset =
      /when \{ expression \{ return env\.DEPLOY_SERVICE\?\.trim\(\) \? false : true \} \}/;
    for (const stage of deploying) expect(stage).toMatch(whenSet);
    const dryRun = stages.filter((stage) => whenUnset.test(stage));
    expect(dryRun).toHaveLength(1);
    expect(dryRun[0]).not.toMatch(/docker (pull|service)/);
    for (const name of JENKINS_PARAMETER_NAMES) expect(dryRun[0]).toContain(`${name}=$`);
    // The compose demo sets no DEPLOY_SERVICE: its builds dry-run and succeed.
    for (const file of ["docker-compose.yml", "casc.yaml", ".env.example"]) {
      expect(read(file)).not.toContain("DEPLOY_SERVICE");
    }
  });

  it("the compose steps load .env before using its variables in the shell", () => {
    const page = readFileSync(new URL("../../../docs/jenkins.md", import.meta.url), "utf8");
    const steps = /## Jenkins, pushgate and a registry[\s\S]*?```sh\n([\s\S]*?)```/.exec(page)?.[1];
    const header = read("docker-compose.yml")
      .split("\n")
      .filter((line) => line.startsWith("#"))
      .map((line) => line.replace(/^#\s*/, ""))
      .join("\n");
    const inEnvFile = new Set(
      [...read(".env.example").matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1] ?? ""),
    );
    for (const text of [steps ?? "", header]) {
      const lines = text.split("\n");
      const loaded = lines.findIndex((line) => /set -a && \. \.\/\.env && set \+a/.test(line));
      lines.forEach((line, i) => {
        for (const [, name = ""] of line.replace(/#.*$/, "").matchAll(/\$\{?([A-Z_]+)/g)) {
          if (!inEnvFile.has(name)) continue;
          expect(loaded, `${name} is used before .env is loaded: ${line}`).toBeGreaterThanOrEqual(
            0,
          );
          expect(loaded, `${name} is used before .env is loaded: ${line}`).toBeLessThan(i);
        }
      });
    }
  });

  it("the README lists every parameter", () => {
    const readme = read("README.md");
    for (const name of JENKINS_PARAMETER_NAMES) expect(readme).toContain(`\`${name}\``);
  });

  it("docs/jenkins.md names exactly the parameters a job declares", () => {
    const page = readFileSync(new URL("../../../docs/jenkins.md", import.meta.url), "utf8");
    const bullet = /- \*\*The job declares the parameters\*\*[\s\S]*?plus the action's own/.exec(
      page,
    )?.[0];
    const named = [...(bullet ?? "").matchAll(/`([A-Z_]+)`/g)].map((m) => m[1] ?? "");
    expect(sorted(named)).toEqual(sorted(JENKINS_PARAMETER_NAMES));
  });
});
