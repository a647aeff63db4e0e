import type { JenkinsActionConfig } from "../config/config.js";
import { ActionError, type ExecuteAction } from "./action-call.js";
import type { JenkinsClient } from "./jenkins-client.js";
import { jenkinsParametersOf } from "./jenkins-parameters-of.js";
import { waitForJenkinsBuild } from "./wait-for-jenkins-build.js";

/**
 * The jenkins action: buildWithParameters with the plugin's parameters, pushgate's and the
 * action's own. Once Jenkins has taken the build (201 or 303) the action is marked sent, so
 * a restart does not trigger it twice; with `wait`, it then follows the build to its result.
 * A build that ends other than SUCCESS fails the action (never the run's verdict).
 */
export function createTriggerJenkins(
  client: JenkinsClient | undefined,
): ExecuteAction<JenkinsActionConfig> {
  return async (call, spec) => {
    if (!client) throw new ActionError("no jenkins connection is configured");
    let queueUrl = call.record.result.queueUrl as string | undefined;
    if (call.record.state !== "sent") {
      const parameters = jenkinsParametersOf(call.outcome, spec.parameters);
      const queued = await client.triggerBuild(spec.job, parameters, call.send);
      queueUrl = queued.queueUrl;
      await call.save({
        state: "sent",
        result: { status: queued.status, ...(queueUrl ? { queueUrl } : {}) },
      });
      call.logger.info("jenkins build queued", { job: spec.job, queueUrl, status: queued.status });
    }
    if (!spec.wait) return { state: "done" };
    if (!queueUrl) throw new ActionError("Jenkins named no queue item to follow (no Location)");

    const build = await waitForJenkinsBuild(client, call, queueUrl, spec.waitTimeoutMs);
    const result = { buildNumber: build.number, buildUrl: build.url, buildResult: build.result };
    await call.save({ result });
    if (build.result !== "SUCCESS") {
      throw new ActionError(
        `build #${build.number} finished ${build.result ?? "without a result"}`,
      );
    }
    return { state: "done", result };
  };
}
