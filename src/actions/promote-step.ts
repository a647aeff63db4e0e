import type { PromoteConfig, RegistryConfig } from "../config/config.js";
import { DockerError } from "../docker/docker-error.js";
import type { PushTarget } from "../docker/image-promoter.js";
import { parseImageReference } from "../docker/image-reference.js";
import { resolvePull, type PullTarget } from "../docker/resolve-pull.js";
import { resolvePush } from "../docker/resolve-push.js";
import { imageNameOf } from "../pipeline/image-name.js";
import type { RunOutcome } from "../pipeline/outcome.js";
import type { RegistryResolver } from "../pipeline/resolve-registry.js";
import { isValidTag } from "../sources/reference-grammar.js";
import type { RunStore } from "../store/run-store.js";
import { ActionError, type StepCall } from "./action-call.js";
import { renderTemplate } from "./render-template.js";
import type { RunStep } from "./run-steps.js";
import { backoffDelay } from "./send-with-retry.js";
import { templateValuesOf } from "./template-values-of.js";

/** Pushes a tested image under a tag (docker/ImagePromoter). */
export interface Promoter {
  promote(
    source: PullTarget,
    target: PushTarget,
    options: { timeoutMs: number; signal: AbortSignal },
  ): Promise<{ digest?: string }>;
}

export interface PromoteDependencies {
  promoter: Promoter;
  store: Pick<RunStore, "savePromotion" | "forgetPromotion">;
  registries: readonly RegistryConfig[];
  resolveRegistry: RegistryResolver;
  /** Longest push (docker.pullTimeout). */
  timeoutMs: number;
}

/** A tag pushed, with the digest the registry stored it under. */
interface Pushed {
  tag: string;
  digest: string;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** Failures worth another try: the registry or the engine did not answer, or answered 5xx. */
const TRANSIENT = new Set(["registry_unreachable", "docker_unreachable", "docker_timeout"]);

/** The tags a promotion pushes, and those skipped because a placeholder in them is empty. */
function tagsOf(outcome: RunOutcome, templates: readonly string[]) {
  const values = templateValuesOf(outcome);
  const tags: string[] = [];
  const skipped: string[] = [];
  for (const template of templates) {
    const empty = [...template.matchAll(PLACEHOLDER)]
      .map((match) => match[1] ?? "")
      .find((name) => Object.hasOwn(values, name) && values[name as keyof typeof values] === "");
    if (empty !== undefined) {
      skipped.push(`${template}: {{${empty}}} is empty`);
      continue;
    }
    const tag = renderTemplate(template, values);
    if (!isValidTag(tag)) {
      throw new ActionError(`${JSON.stringify(tag)} (from ${template}) is not a valid tag`);
    }
    if (!tags.includes(tag)) tags.push(tag);
  }
  return { tags, skipped };
}

/** Pushes one tag, trying again while the registry is unreachable; each try recorded. */
async function pushTag(
  call: StepCall,
  deps: PromoteDependencies,
  source: PullTarget,
  target: PushTarget,
): Promise<{ digest?: string }> {
  for (let attempt = 1; ; attempt++) {
    const started = call.clock.now();
    try {
      const pushed = await deps.promoter.promote(source, target, {
        timeoutMs: deps.timeoutMs,
        signal: call.signal,
      });
      await call.recordAttempt({
        at: started.toISOString(),
        ms: call.clock.now().getTime() - started.getTime(),
      });
      return pushed;
    } catch (error) {
      if (call.signal.aborted || !(error instanceof DockerError)) throw error;
      const ms = call.clock.now().getTime() - started.getTime();
      await call.recordAttempt({ at: started.toISOString(), ms, error: error.message });
      if (!TRANSIENT.has(error.code) || attempt >= call.policy.attempts) {
        const tries = attempt > 1 ? ` (after ${attempt} attempts)` : "";
        throw new ActionError(`${error.message}${tries}`);
      }
      await call.clock.sleep(
        backoffDelay(attempt, call.policy, () => 0.5),
        call.signal,
      );
    }
  }
}

/**
 * The promotion of a passing run: each tag (templated, checked against Docker's grammar;
 * one whose placeholder is empty is skipped, saying so) is first recorded in the store with
 * the tested digest, so the registry's notification of it is recognised even before the push
 * returns, then pushed from the tested digest and recorded with the digest the registry
 * answered; a push that failed is forgotten again. Tags already pushed (a run resumed after a
 * restart) are not pushed again.
 */
export function promoteStepOf(
  outcome: RunOutcome,
  spec: PromoteConfig,
  deps: PromoteDependencies,
): RunStep {
  const { event } = outcome.run;
  const named = parseImageReference(spec.repository ?? imageNameOf(event));
  const registry = deps.resolveRegistry(named.registry);
  const push = resolvePush(named, deps.registries);
  return {
    id: "promote",
    kind: "promote",
    target: `${registry}/${named.repository}:${spec.tags.join(",")}`,
    execute: async (call) => {
      // What was pulled and tested, never the digest the push announced.
      const tested = outcome.imageDigest ?? outcome.run.imageDigest;
      if (!tested) throw new ActionError("the tested digest is unknown: nothing to promote");
      const digest = tested.slice(tested.lastIndexOf("@") + 1);
      const { tags, skipped } = tagsOf(outcome, spec.tags);
      const source = resolvePull(
        { registry: event.registry, repository: event.repository, digest },
        deps.registries,
      );
      const pushed = [...((call.record.result.promoted as Pushed[] | undefined) ?? [])];
      for (const tag of tags) {
        if (pushed.some((p) => p.tag === tag)) continue;
        const promotion = {
          runId: outcome.run.id,
          registry,
          repository: named.repository,
          tag,
          digest,
        };
        await deps.store.savePromotion(promotion, call.clock.now());
        let answer: { digest?: string };
        try {
          answer = await pushTag(call, deps, source, { ...push, tag });
        } catch (error) {
          // Not pushed: a delivery of the tag is a push again. An abort (shutdown) keeps it:
          // the push may have gone through, and resumes after the restart.
          if (!call.signal.aborted) await deps.store.forgetPromotion(promotion);
          throw error;
        }
        const pushedDigest = answer.digest ?? digest;
        await deps.store.savePromotion({ ...promotion, pushedDigest }, call.clock.now());
        pushed.push({ tag, digest: pushedDigest });
        await call.save({ result: { promoted: pushed } });
        call.logger.info("promoted", {
          tag,
          repository: `${registry}/${named.repository}`,
          digest: pushedDigest,
        });
      }
      const result = {
        repository: `${registry}/${named.repository}`,
        promoted: pushed,
        ...(skipped.length > 0 ? { skipped } : {}),
      };
      return { state: "done", result };
    },
  };
}
