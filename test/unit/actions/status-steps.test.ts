import { describe, expect, it } from "vitest";
import { statusStepsOf } from "../../../src/actions/status-steps.js";
import type { PipelineConfig, StatusConfig } from "../../../src/config/config.js";
import type { RunRecord } from "../../../src/store/run-store.js";
import { outcomeOf, pipelineWith } from "../../support/outcomes.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const settings = {
  github: { url: "https://api.github.com", token: "t-github-1" },
  gitlab: { url: "https://gitlab.example", token: "t-gitlab-1" },
  publicUrl: "https://pushgate.example",
};

const pipeline = (statuses: StatusConfig[]): PipelineConfig => ({ ...pipelineWith(), statuses });
const github: StatusConfig = { provider: "github", context: "pushgate/web" };
const gitlab: StatusConfig = { provider: "gitlab", context: "pushgate/web" };
const run = (source?: RunRecord["source"]): RunRecord => ({
  ...outcomeOf().run,
  ...(source ? { source } : {}),
});
const shape = (steps: ReturnType<typeof statusStepsOf>) =>
  steps.map((s) => [s.id, s.target, s.skip ?? null, s.planOnly ?? false]);

describe("a run's commit status steps", () => {
  it("when the test starts: pending to send, the final one planned after it, per provider", () => {
    const source = { url: "https://github.com/acme/web.git", revision: SHA };
    const steps = statusStepsOf(run(source), pipeline([github]), "pending", undefined, settings);
    expect(shape(steps)).toEqual([
      ["status.github.pending", `github acme/web@${SHA.slice(0, 12)}`, null, false],
      ["status.github", `github acme/web@${SHA.slice(0, 12)}`, null, true],
    ]);
  });

  it("once the run ends: the same ids, a pending one still unconfirmed skipped, the final one sent", () => {
    const source = { url: "https://github.com/acme/web", revision: SHA };
    const steps = statusStepsOf(run(source), pipeline([github]), "failed", "exit code 1", settings);
    expect(shape(steps)).toEqual([
      [
        "status.github.pending",
        `github acme/web@${SHA.slice(0, 12)}`,
        "not confirmed before the run ended; the final status replaces it",
        false,
      ],
      ["status.github", `github acme/web@${SHA.slice(0, 12)}`, null, false],
    ]);
  });

  it.each([
    [
      "no revision",
      { url: "https://github.com/acme/web" },
      /^no revision: the image has no org\.opencontainers\.image\.revision/,
    ],
    [
      "a source on another host",
      { url: "https://gitlab.example/acme/web", revision: SHA },
      /^the source https:\/\/gitlab\.example\/acme\/web is not on github \(github\.com\)$/,
    ],
    ["no source repository", { revision: SHA }, /^no source repository: the image has no/],
    [
      "a source URL naming no repository",
      { url: "https://github.com", revision: SHA },
      /names no repository/,
    ],
  ])("skips a provider for %s, saying why once", (_, source, why) => {
    const steps = statusStepsOf(run(source), pipeline([github]), "passed", undefined, settings);
    expect(steps).toHaveLength(1);
    expect(steps[0]?.id).toBe("status.github");
    expect(steps[0]?.skip).toMatch(why);
  });

  it("says a run that ended before its image was read could not know its revision", () => {
    const { imageDigest: _, ...unread } = run();
    const steps = statusStepsOf(unread, pipeline([github]), "errored", "pull failed", settings);
    expect(steps[0]?.skip).toBe("no revision: the run ended before its image was read");
  });

  it("a provider's own repository, or the pipeline's source, stands in for the label", () => {
    const named = statusStepsOf(
      run({ url: "https://elsewhere.example/x/y", revision: SHA }),
      pipeline([{ ...github, repository: "acme/other" }]),
      "passed",
      undefined,
      settings,
    );
    expect(named[0]?.target).toBe(`github acme/other@${SHA.slice(0, 12)}`);
    const fromPipeline = statusStepsOf(
      run({ repository: "group/sub/app", revision: SHA }),
      pipeline([gitlab]),
      "passed",
      undefined,
      settings,
    );
    expect(fromPipeline[0]?.target).toBe(`gitlab group/sub/app@${SHA.slice(0, 12)}`);
  });

  it("one source decides per provider: on GitLab, skipped on GitHub", () => {
    const source = { url: "https://gitlab.example/group/app", revision: SHA };
    const steps = statusStepsOf(
      run(source),
      pipeline([github, gitlab]),
      "passed",
      undefined,
      settings,
    );
    expect(steps.map((s) => [s.id, s.skip?.slice(0, 40) ?? null])).toEqual([
      ["status.github", "the source https://gitlab.example/group/"],
      ["status.gitlab.pending", "not confirmed before the run ended; the "],
      ["status.gitlab", null],
    ]);
  });
});
