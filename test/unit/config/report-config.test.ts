import { describe, expect, it } from "vitest";
import { collectSecrets } from "../../../src/config/collect-secrets.js";
import { configWarnings } from "../../../src/config/config-warnings.js";
import { parseConfig } from "../../../src/config/load-config.js";
import { AUTH, problemsOf } from "../../support/config-problems.js";

const FORGES = `github: { token: ghp-token-123 }
gitlab: { token: glpat-token-123, url: "https://gitlab.example" }
gitea: { token: gitea-token-123, url: "https://git.example" }
`;

const withPipeline = (settings: string, top = FORGES) =>
  `${AUTH}${top}pipelines:
  - name: web
    match: { repository: acme/web }
${settings
  .split("\n")
  .filter(Boolean)
  .map((line) => `    ${line}`)
  .join("\n")}
`;

describe("commit status settings", () => {
  it("reads the providers' connections, GitHub and GitLab with their public URLs by default", () => {
    const config = parseConfig(
      `${AUTH}github: { token: a-token-1 }\ngitlab: { token: b-token-1 }\n`,
      {},
    );
    expect(config.github).toEqual({ token: "a-token-1", url: "https://api.github.com" });
    expect(config.gitlab).toEqual({ token: "b-token-1", url: "https://gitlab.com" });
    expect(problemsOf(`${AUTH}gitea: { token: c-token-1 }\n`)).toEqual(["gitea.url: required"]);
  });

  it.each([
    ["statuses: github", [{ provider: "github", context: "pushgate/web" }]],
    [
      "statuses: [github, gitlab]",
      [
        { provider: "github", context: "pushgate/web" },
        { provider: "gitlab", context: "pushgate/web" },
      ],
    ],
    [
      "statuses: [{ github: { context: ci/pushgate, repository: acme/web } }, gitea]",
      [
        { provider: "github", context: "ci/pushgate", repository: "acme/web" },
        { provider: "gitea", context: "pushgate/web" },
      ],
    ],
    [
      "statuses: { github: { context: ci/pushgate }, gitlab: {} }",
      [
        { provider: "github", context: "ci/pushgate" },
        { provider: "gitlab", context: "pushgate/web" },
      ],
    ],
  ])("%s", (line, statuses) => {
    expect(parseConfig(withPipeline(line), {}).pipelines[0]?.statuses).toEqual(statuses);
  });

  it("defaults to none", () => {
    expect(parseConfig(withPipeline(""), {}).pipelines[0]?.statuses).toEqual([]);
  });

  it.each([
    ["statuses: bitbucket", "pipelines[0].statuses: must be one of github, gitlab, gitea"],
    ["statuses: [github, github]", "pipelines[0].statuses: names github twice"],
    ["statuses: [{ github: { repository: web } }]", "pipelines[0].statuses: must be github"],
  ])("refuses %s", (line, problem) => {
    expect(problemsOf(withPipeline(line))[0]).toMatch(problem);
  });

  it("needs the provider's top-level connection", () => {
    expect(problemsOf(withPipeline("statuses: [github, gitea]", ""))).toEqual([
      "pipelines[0].statuses: github needs the top-level github (token; url for GitHub Enterprise) setting",
      "pipelines[0].statuses: gitea needs the top-level gitea (url, token) setting",
    ]);
  });

  it("counts the tokens as secrets, and warns that statuses without publicUrl carry no link", () => {
    const config = parseConfig(withPipeline("statuses: github"), {});
    expect(collectSecrets(config)).toEqual(
      expect.arrayContaining(["ghp-token-123", "glpat-token-123", "gitea-token-123"]),
    );
    expect(configWarnings(config)).toEqual([
      "pipelines[0].statuses: without publicUrl, commit statuses carry no link to their run",
    ]);
  });
});

describe("promotion and source settings", () => {
  it("reads promote and source", () => {
    const pipeline = parseConfig(
      withPipeline(`promote: { tags: [stable, "sha-{{revision}}"], repository: registry.example/team/app }
source: { repository: group/sub/app, revision: "{{tag}}" }`),
      {},
    ).pipelines[0];
    expect(pipeline?.promote).toEqual({
      tags: ["stable", "sha-{{revision}}"],
      repository: "registry.example/team/app",
    });
    expect(pipeline?.source).toEqual({ repository: "group/sub/app", revision: "{{tag}}" });
  });

  it.each([
    ["promote: { tags: [] }", "pipelines[0].promote.tags: must contain at least 1 items"],
    ["promote: { tags: ['-bad'] }", "pipelines[0].promote.tags[0]: must be a tag"],
    [
      "promote: { tags: ['x{{nope}}'] }",
      "pipelines[0].promote.tags[0]: uses unknown placeholder {{nope}}",
    ],
    [
      "promote: { tags: [stable], repository: 'registry.example/app:v1' }",
      "pipelines[0].promote.repository: must be a repository without tag or digest",
    ],
    [
      "promote: { tags: [stable], repository: 'Team/App' }",
      "pipelines[0].promote.repository: must be a repository",
    ],
    [
      "source: { revision: '{{result}}' }",
      "pipelines[0].source.revision: uses unknown placeholder {{result}}",
    ],
    [
      "source: { repository: web }",
      'pipelines[0].source.repository: must be a repository path such as "acme/web"',
    ],
  ])("refuses %s", (line, problem) => {
    expect(problemsOf(withPipeline(line))[0]).toMatch(problem);
  });
});

describe("Teams and Discord actions", () => {
  it("read their webhook URLs and count them as secrets", () => {
    const teams =
      "https://prod-12.westeurope.logic.azure.com:443/workflows/0a1b2c3d4e5f/triggers/manual/paths/invoke?api-version=2016-06-01&sig=s3cr3tSignatureValue";
    const discord = "https://discord.com/api/webhooks/123456789012345678/Tok3nTok3nTok3nTok3n";
    const config = parseConfig(
      withPipeline(`on:
  success:
    - teams: { url: "${teams}" }
    - discord: { url: "${discord}", timeout: 5s }`),
      {},
    );
    expect(config.pipelines[0]?.on.success).toEqual([
      { teams: { url: teams } },
      { discord: { url: discord, timeoutMs: 5000 } },
    ]);
    expect(collectSecrets(config)).toEqual(
      expect.arrayContaining([teams, "s3cr3tSignatureValue", discord, "Tok3nTok3nTok3nTok3n"]),
    );
  });
});
