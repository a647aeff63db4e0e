import { describe, expect, it } from "vitest";
import {
  alreadySet,
  commitStatusRequest,
  statusDescriptionOf,
  type CommitStatus,
} from "../../../src/actions/commit-status.js";
import {
  parseSourceUrl,
  providerHostOf,
  repositoryOn,
} from "../../../src/actions/source-repository.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const status = (change: Partial<CommitStatus> = {}): CommitStatus => ({
  provider: "github",
  repository: "acme/web",
  sha: SHA,
  phase: "passed",
  context: "pushgate/web",
  description: "Tests passed",
  targetUrl: "https://pushgate.example/runs/01RUN",
  ...change,
});
const forge = (url: string) => ({ url, token: "secret-token-1" });

describe("source URLs", () => {
  it.each([
    ["https://github.com/acme/web", "github.com", "acme/web"],
    ["https://github.com/acme/web.git", "github.com", "acme/web"],
    ["https://www.GitHub.com/acme/web/", "github.com", "acme/web"],
    ["git@github.com:acme/web.git", "github.com", "acme/web"],
    ["ssh://git@gitlab.example:2222/group/sub/app.git", "gitlab.example", "group/sub/app"],
    ["git://git.example/acme/web", "git.example", "acme/web"],
    ["github.com/acme/web", "github.com", "acme/web"],
    ["https://gitlab.com/group/app/-/tree/main", "gitlab.com", "group/app"],
    ["http://127.0.0.1:3000/acme/web", "127.0.0.1", "acme/web"],
  ])("%s is %s, %s", (url, host, path) => {
    expect(parseSourceUrl(url)).toEqual({ host, path });
  });

  it.each(["acme/web", "https://github.com/acme", "not a url", "https://github.com/"])(
    "%s names no repository",
    (url) => expect(parseSourceUrl(url)).toBeUndefined(),
  );

  it("knows where each provider's repositories live, from its API URL", () => {
    expect(providerHostOf("github", "https://api.github.com")).toBe("github.com");
    expect(providerHostOf("github", "https://ghe.example/api/v3")).toBe("ghe.example");
    expect(providerHostOf("gitlab", "https://gitlab.com")).toBe("gitlab.com");
    expect(providerHostOf("gitea", "https://codeberg.org")).toBe("codeberg.org");
  });

  it("takes owner/name on GitHub and Gitea, the whole path on GitLab", () => {
    const location = { host: "x", path: "acme/web/tree/main" };
    expect(repositoryOn("github", location)).toBe("acme/web");
    expect(repositoryOn("gitea", location)).toBe("acme/web");
    expect(repositoryOn("gitlab", { host: "x", path: "group/sub/web" })).toBe("group/sub/web");
  });
});

describe("commit status calls", () => {
  it("GitHub: POST /repos/{owner}/{repo}/statuses/{sha}, Bearer token, its media type", () => {
    const request = commitStatusRequest(forge("https://ghe.example/api/v3/"), status());
    expect(request).toMatchObject({
      method: "POST",
      url: `https://ghe.example/api/v3/repos/acme/web/statuses/${SHA}`,
      headers: {
        authorization: "Bearer secret-token-1",
        accept: "application/vnd.github+json",
        "x-github-api-version": "2022-11-28",
      },
    });
    expect(JSON.parse(request.body ?? "")).toEqual({
      state: "success",
      target_url: "https://pushgate.example/runs/01RUN",
      description: "Tests passed",
      context: "pushgate/web",
    });
  });

  it("GitLab: the project's path URL-encoded, PRIVATE-TOKEN, name for the context, running for pending", () => {
    const request = commitStatusRequest(
      forge("https://gitlab.com"),
      status({ provider: "gitlab", repository: "group/sub/web", phase: "pending" }),
    );
    expect(request.url).toBe(
      `https://gitlab.com/api/v4/projects/group%2Fsub%2Fweb/statuses/${SHA}`,
    );
    expect(request.headers).toMatchObject({ "private-token": "secret-token-1" });
    expect(JSON.parse(request.body ?? "")).toMatchObject({
      state: "running",
      name: "pushgate/web",
    });
  });

  it("Gitea: GitHub's shape under /api/v1 with Authorization: token", () => {
    const request = commitStatusRequest(
      forge("https://git.example"),
      status({ provider: "gitea" }),
    );
    expect(request.url).toBe(`https://git.example/api/v1/repos/acme/web/statuses/${SHA}`);
    expect(request.headers).toMatchObject({ authorization: "token secret-token-1" });
  });

  it.each([
    ["github", "cancelled", "error"],
    ["github", "superseded", "error"],
    ["github", "errored", "error"],
    ["github", "failed", "failure"],
    ["gitlab", "cancelled", "canceled"],
    ["gitlab", "superseded", "canceled"],
    ["gitlab", "errored", "failed"],
    ["gitea", "pending", "pending"],
  ] as const)("%s is sent %s as %s", (provider, phase, state) => {
    const request = commitStatusRequest(forge("https://x.example"), status({ provider, phase }));
    expect((JSON.parse(request.body ?? "") as { state: string }).state).toBe(state);
  });

  it("cuts the description to the provider's limit: 140 on GitHub, 255 on GitLab", () => {
    const reason = "x".repeat(400);
    expect(statusDescriptionOf("github", "failed", reason)).toHaveLength(140);
    expect(statusDescriptionOf("github", "failed", reason).endsWith("…")).toBe(true);
    expect(statusDescriptionOf("gitlab", "failed", reason)).toHaveLength(255);
    expect(statusDescriptionOf("github", "superseded", "superseded by 01NEW")).toBe(
      "Not finished: superseded by 01NEW",
    );
  });

  it("takes GitLab's refusal of a state it already is in as set, and nothing else", () => {
    const refusal = (from: string) => ({
      status: 400,
      headers: {},
      body: JSON.stringify({
        message: `Cannot transition status via :run from :${from} (Reason(s): Status cannot transition via "run")`,
      }),
    });
    const running = status({ provider: "gitlab", phase: "pending" });
    expect(alreadySet(running, refusal("running"))).toBe(true);
    expect(alreadySet(running, refusal("success"))).toBe(false);
    expect(alreadySet(status({ phase: "pending" }), refusal("running"))).toBe(false);
  });
});
