import type { Config } from "../config/config.js";
import type { Env } from "../config/load-config.js";
import { compilePipelineMatcher } from "../pipeline/match-pipelines.js";

const SAMPLE = { repository: "acme/web", tag: "latest" };

/**
 * The few lines a trial run (`npm start` with no config) prints once it listens: what to
 * configure, and a curl line that sends a Docker Hub push to it. A token that came from the
 * environment is shown as the variable, never as its value.
 */
export function firstRunMessage(options: {
  exampleFile: string;
  url: string;
  config: Config;
  env: Env;
}): string {
  const { exampleFile, url, config, env } = options;
  const hookToken = env.PUSHGATE_WEBHOOK_TOKEN
    ? '"$PUSHGATE_WEBHOOK_TOKEN"'
    : (config.auth.webhookTokens[0] ?? "TOKEN");
  const apiToken = env.PUSHGATE_API_TOKEN ? "$PUSHGATE_API_TOKEN" : config.auth.apiToken;
  const payload = JSON.stringify({
    push_data: { tag: SAMPLE.tag, pusher: "me" },
    repository: { repo_name: SAMPLE.repository },
  });
  const matched = compilePipelineMatcher(config.pipelines)({
    source: "dockerhub",
    registry: "docker.io",
    ...SAMPLE,
    pushedAt: new Date(0),
  }).map((p) => p.name);
  const outcome = matched.length
    ? `pipeline ${matched.join(", ")} runs for it`
    : "no pipeline matches it: the answer is 200 ignored";
  return [
    `pushgate: no ./pushgate.yml, so this is a trial run with ${exampleFile} (example tokens: keep it on this machine).`,
    `  Configure: copy it to ./pushgate.yml (or set PUSHGATE_CONFIG), set auth.webhookTokens, auth.apiToken and pipelines,`,
    `  and check it: npm run check-config -- pushgate.yml ${SAMPLE.repository}:${SAMPLE.tag}`,
    `  Send a test push of ${SAMPLE.repository}:${SAMPLE.tag} (${outcome}), then list the runs:`,
    `  curl -H 'Content-Type: application/json' -d '${payload}' ${url}/dockerhub-webhook/${hookToken}/notify`,
    `  curl -H "Authorization: Bearer ${apiToken}" ${url}/api/runs`,
    "",
  ].join("\n");
}
