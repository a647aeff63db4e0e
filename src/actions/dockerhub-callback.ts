import type { RunOutcome, Verdict } from "../pipeline/outcome.js";
import { ActionError, runLinkOf, type ExecuteAction } from "./action-call.js";
import { checkCallbackUrl } from "./check-callback-url.js";
import { describeAnswer } from "./describe-answer.js";

const STATE: Record<Verdict, "success" | "failure" | "error"> = {
  passed: "success",
  failed: "failure",
  errored: "error",
};

/** Docker Hub's callback JSON for an outcome. */
export function callbackPayloadOf(
  outcome: RunOutcome,
  link: string | undefined,
): { state: string; description: string; context: string; target_url?: string } {
  const reason = outcome.reason ? `: ${outcome.reason}` : "";
  const description = {
    passed: "Tests passed",
    failed: `Tests failed${reason}`,
    errored: `Tests could not be run${reason}`,
  }[outcome.verdict];
  return {
    state: STATE[outcome.verdict],
    description: description.slice(0, 255),
    context: "pushgate",
    ...(link ? { target_url: link } : {}),
  };
}

/**
 * Answers a Docker Hub payload's callback_url. Docker calls the field legacy, so this is
 * best effort: one retry at most. Only hosts in callbacks.allowedHosts are ever contacted
 * (https unless an entry names its scheme); a payload naming any other URL is refused and
 * logged without a single request, so a webhook cannot make pushgate call inside the network.
 */
export function createDockerHubCallback(options: {
  allowedHosts: readonly string[];
  publicUrl?: string;
}): ExecuteAction<{ url: string }> {
  return async (call, spec) => {
    const check = checkCallbackUrl(spec.url, options.allowedHosts);
    if (!check.allowed) {
      call.logger.warn("callback refused", { reason: check.reason });
      return { state: "refused", error: check.reason };
    }
    const body = callbackPayloadOf(call.outcome, runLinkOf(options.publicUrl, call.outcome.run.id));
    const response = await call.send(
      {
        method: "POST",
        url: check.url,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      },
      { policy: { attempts: Math.min(2, call.policy.attempts) } },
    );
    if (response.status < 200 || response.status >= 300) {
      throw new ActionError(describeAnswer(response));
    }
    return { state: "done", result: { status: response.status, state: body.state } };
  };
}
