import type { ForgeConfig, StatusProvider } from "../config/config.js";
import { answerMessage } from "./describe-answer.js";
import type { OutboundRequest } from "./action-call.js";
import type { HttpResponse } from "./http-client.js";

/** What a commit status says: the test is running, or how the run ended. */
export type StatusPhase = "pending" | "passed" | "failed" | "errored" | "cancelled" | "superseded";

/** GitHub's and Gitea's states; GitLab's own words, which have no "error". */
const STATE: Record<"github" | "gitlab", Record<StatusPhase, string>> = {
  github: {
    pending: "pending",
    passed: "success",
    failed: "failure",
    errored: "error",
    cancelled: "error",
    superseded: "error",
  },
  gitlab: {
    pending: "running",
    passed: "success",
    failed: "failed",
    errored: "failed",
    cancelled: "canceled",
    superseded: "canceled",
  },
};

/** Longest description each accepts: GitHub refuses more than 140 (422); GitLab 255. */
const DESCRIPTION_LIMIT: Record<StatusProvider, number> = { github: 140, gitlab: 255, gitea: 255 };

/** The state a provider is sent for a phase. */
export function providerStateOf(provider: StatusProvider, phase: StatusPhase): string {
  return STATE[provider === "gitlab" ? "gitlab" : "github"][phase];
}

/** "Tests failed: exit code 3", cut to the provider's limit. */
export function statusDescriptionOf(
  provider: StatusProvider,
  phase: StatusPhase,
  reason: string | undefined,
): string {
  const why = reason ? `: ${reason}` : "";
  const text = {
    pending: "Testing the pushed image",
    passed: "Tests passed",
    failed: `Tests failed${why}`,
    errored: `Tests could not be run${why}`,
    cancelled: "Cancelled before the test ended",
    superseded: `Not finished: ${reason ?? "superseded by a newer push"}`,
  }[phase];
  const limit = DESCRIPTION_LIMIT[provider];
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** One status for one commit of one repository, as pushgate sends it. */
export interface CommitStatus {
  provider: StatusProvider;
  /** "acme/web", or GitLab's "group/subgroup/web". */
  repository: string;
  sha: string;
  phase: StatusPhase;
  context: string;
  description: string;
  targetUrl?: string;
}

const withoutSlash = (url: string): string => url.replace(/\/+$/, "");
const segments = (path: string): string => path.split("/").map(encodeURIComponent).join("/");

/**
 * The call that sets a status: GitHub's "Create a commit status" (Bearer token, its media
 * type and API version), GitLab's "Set the pipeline status of a commit" (PRIVATE-TOKEN, the
 * project as its URL-encoded path, `name` for the context) or Gitea's, GitHub's shape under
 * /api/v1 with `Authorization: token`.
 */
export function commitStatusRequest(forge: ForgeConfig, status: CommitStatus): OutboundRequest {
  const state = providerStateOf(status.provider, status.phase);
  const link = status.targetUrl ? { target_url: status.targetUrl } : {};
  const sha = encodeURIComponent(status.sha);
  const json = { "content-type": "application/json" };
  switch (status.provider) {
    case "github":
      return {
        method: "POST",
        url: `${withoutSlash(forge.url)}/repos/${segments(status.repository)}/statuses/${sha}`,
        headers: {
          ...json,
          accept: "application/vnd.github+json",
          authorization: `Bearer ${forge.token}`,
          "x-github-api-version": "2022-11-28",
        },
        body: JSON.stringify({
          state,
          ...link,
          description: status.description,
          context: status.context,
        }),
      };
    case "gitlab":
      return {
        method: "POST",
        url: `${withoutSlash(forge.url)}/api/v4/projects/${encodeURIComponent(status.repository)}/statuses/${sha}`,
        headers: { ...json, "private-token": forge.token },
        body: JSON.stringify({
          state,
          name: status.context,
          ...link,
          description: status.description,
        }),
      };
    case "gitea":
      return {
        method: "POST",
        url: `${withoutSlash(forge.url)}/api/v1/repos/${segments(status.repository)}/statuses/${sha}`,
        headers: { ...json, accept: "application/json", authorization: `token ${forge.token}` },
        body: JSON.stringify({
          state,
          ...link,
          description: status.description,
          context: status.context,
        }),
      };
  }
}

/**
 * Whether a refusal says the status already is what was sent: GitLab answers a state sent
 * twice (a status resent after a restart) with 400 "Cannot transition status via :run from
 * :running". It is then set, as asked.
 */
export function alreadySet(status: CommitStatus, response: HttpResponse): boolean {
  if (status.provider !== "gitlab" || response.status !== 400) return false;
  const from = /Cannot transition status via :\w+ from :(\w+)/.exec(answerMessage(response))?.[1];
  return from === providerStateOf("gitlab", status.phase);
}
