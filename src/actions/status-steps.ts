import type { ForgeConfig, PipelineConfig, StatusConfig } from "../config/config.js";
import type { RunRecord } from "../store/run-store.js";
import { ActionError, runLinkOf, type StepCall } from "./action-call.js";
import {
  alreadySet,
  commitStatusRequest,
  providerStateOf,
  statusDescriptionOf,
  type CommitStatus,
  type StatusPhase,
} from "./commit-status.js";
import { describeAnswer } from "./describe-answer.js";
import type { RunStep } from "./run-steps.js";
import { parseSourceUrl, providerHostOf, repositoryOn } from "./source-repository.js";

export interface StatusSettings {
  github?: ForgeConfig;
  gitlab?: ForgeConfig;
  gitea?: ForgeConfig;
  publicUrl?: string;
}

/** Where one provider's status goes, or why it is not sent. */
type StatusTarget =
  | { status: StatusConfig; skip: string }
  | { status: StatusConfig; forge: ForgeConfig; repository: string; sha: string };

const NO_REVISION =
  "no revision: the image has no org.opencontainers.image.revision (or org.label-schema.vcs-ref) label and the pipeline sets no source.revision";
const NO_REPOSITORY =
  "no source repository: the image has no org.opencontainers.image.source (or org.label-schema.vcs-url) label and the pipeline sets no source.repository";

/** Where a run's status for one provider goes, from the run's source and the pipeline. */
function targetOf(run: RunRecord, status: StatusConfig, settings: StatusSettings): StatusTarget {
  const { provider } = status;
  const forge = settings[provider];
  if (!forge) return { status, skip: `no ${provider} connection is configured` };
  const sha = run.source?.revision;
  if (!sha) {
    const unread = !run.source && !run.imageDigest;
    return {
      status,
      skip: unread ? "no revision: the run ended before its image was read" : NO_REVISION,
    };
  }
  if (status.repository) return { status, forge, repository: status.repository, sha };
  const url = run.source?.url;
  if (url) {
    const location = parseSourceUrl(url);
    if (!location) return { status, skip: `the source ${url} names no repository` };
    const host = providerHostOf(provider, forge.url);
    if (location.host !== host) {
      return { status, skip: `the source ${url} is not on ${provider} (${host})` };
    }
    return { status, forge, repository: repositoryOn(provider, location), sha };
  }
  if (run.source?.repository) return { status, forge, repository: run.source.repository, sha };
  return { status, skip: NO_REPOSITORY };
}

/** Sets one status and reads the answer: any 2xx, or GitLab saying it already is so. */
function sendStatus(forge: ForgeConfig, status: CommitStatus) {
  return async (call: StepCall) => {
    const response = await call.send(commitStatusRequest(forge, status));
    const state = providerStateOf(status.provider, status.phase);
    if (response.status >= 200 && response.status < 300) {
      return { state: "done" as const, result: { status: response.status, state } };
    }
    if (alreadySet(status, response)) {
      return {
        state: "done" as const,
        result: { status: response.status, state, alreadySet: true },
      };
    }
    throw new ActionError(describeAnswer(response));
  };
}

/**
 * A run's commit status steps for one phase, one provider after another. A provider whose
 * status cannot be sent (no revision, a source elsewhere) gets one step, skipped saying why.
 * Else two, "status.<provider>.pending" and "status.<provider>", planned together when the
 * test starts: the first is sent then (`pending`; GitLab `running`), the second once the run
 * ends; a pending status still unconfirmed by then is skipped, as the final one replaces it.
 * Every phase plans the same ids in the same order, so a resumed run finds what it did.
 */
export function statusStepsOf(
  run: RunRecord,
  pipeline: PipelineConfig,
  phase: StatusPhase,
  reason: string | undefined,
  settings: StatusSettings,
): RunStep[] {
  const targetUrl = runLinkOf(settings.publicUrl, run.id);
  return pipeline.statuses.flatMap((config): RunStep[] => {
    const target = targetOf(run, config, settings);
    const id = `status.${config.provider}`;
    const unsent = (): never => {
      throw new ActionError("not to be sent");
    };
    if ("skip" in target) {
      return [{ id, kind: "status", target: config.provider, skip: target.skip, execute: unsent }];
    }
    const shown = `${config.provider} ${target.repository}@${target.sha.slice(0, 12)}`;
    const statusOf = (at: StatusPhase): CommitStatus => ({
      provider: config.provider,
      repository: target.repository,
      sha: target.sha,
      phase: at,
      context: config.context,
      description: statusDescriptionOf(config.provider, at, reason),
      ...(targetUrl ? { targetUrl } : {}),
    });
    const pending: RunStep = {
      id: `${id}.pending`,
      kind: "status",
      target: shown,
      execute: sendStatus(target.forge, statusOf("pending")),
      ...(phase === "pending"
        ? {}
        : { skip: "not confirmed before the run ended; the final status replaces it" }),
    };
    const final: RunStep = {
      id,
      kind: "status",
      target: shown,
      execute: phase === "pending" ? unsent : sendStatus(target.forge, statusOf(phase)),
      ...(phase === "pending" ? { planOnly: true } : {}),
    };
    return [pending, final];
  });
}
