import { ActionError, type ActionCall } from "./action-call.js";
import type { BuildState, JenkinsClient } from "./jenkins-client.js";

/**
 * Follows a queue item until it becomes a build, then polls the build until it has a
 * result. Polls back off from the retry policy's first wait to its cap, and the whole wait
 * is bounded by `timeoutMs`. The build's number and URL are saved as soon as they are known,
 * so a restart resumes polling the same build instead of triggering another.
 */
export async function waitForJenkinsBuild(
  client: JenkinsClient,
  call: ActionCall,
  queueUrl: string,
  timeoutMs: number,
): Promise<BuildState> {
  const { clock, policy, signal } = call;
  const deadline = clock.now().getTime() + timeoutMs;
  let delay = policy.backoffMs;
  const pause = async (what: string): Promise<void> => {
    const left = deadline - clock.now().getTime();
    if (left <= 0) {
      throw new ActionError(
        `gave up waiting for the ${what} after ${Math.round(timeoutMs / 1000)}s`,
      );
    }
    await clock.sleep(Math.min(delay, left), signal);
    delay = Math.min(policy.maxBackoffMs, delay * 2);
  };

  let buildUrl = call.record.result.buildUrl as string | undefined;
  while (buildUrl === undefined) {
    const item = await client.queueItem(queueUrl, call.send);
    if (item.cancelled) throw new ActionError("the queued build was cancelled in Jenkins");
    if (item.executable) {
      buildUrl = item.executable.url;
      await call.save({ result: { buildNumber: item.executable.number, buildUrl } });
      break;
    }
    await pause("queued build to start");
  }

  delay = policy.backoffMs;
  for (;;) {
    const build = await client.build(buildUrl, call.send);
    if (!build.building && build.result !== null) return build;
    await pause(`build ${buildUrl} to finish`);
  }
}
