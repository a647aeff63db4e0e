import type { Config } from "../config/config.js";
import type { Env } from "../config/load-config.js";
import { compilePipelineMatcher } from "../pipeline/match-pipelines.js";
import { checkConfigCommand, type HowStarted } from "./how-started.js";

const SAMPLE = { repository: "acme/web", tag: "latest" };

/** Where a trial run keeps its runs: apart from the store of the user's own config. */
export const TRIAL_STORE = "./data/trial.db";

/**
 * The few lines a trial run (`npm start` with no config) prints once it listens: what to
 * configure, a curl line that sends a Docker Hub push to it and what that push will do here,
 * where to see the runs (the API, or the dashboard), and where to see a run pass. A token that came from the environment is shown as the
 * variable, never as its value.
 */
export function firstRunMessage(options: {
  exampleFile: string;
  url: string;
  config: Config;
  env: Env;
  how: HowStarted;
}): string {
  const { exampleFile, url, config, env, how } = options;
  const hookToken = env.PUSHGATE_WEBHOOK_TOKEN
    ? '"$PUSHGATE_WEBHOOK_TOKEN"'
    : (config.auth.webhookTokens[0] ?? "TOKEN");
  const apiToken = env.PUSHGATE_API_TOKEN ? "$PUSHGATE_API_TOKEN" : config.auth.apiToken;
  const payload = JSON.stringify({
    push_data: { tag: SAMPLE.tag, pusher: "me" },
    repository: { repo_name: SAMPLE.repository },
  });
  const image = `${SAMPLE.repository}:${SAMPLE.tag}`;
  const matched = compilePipelineMatcher(config.pipelines)({
    source: "dockerhub",
    registry: "docker.io",
    ...SAMPLE,
    pushedAt: new Date(0),
  }).map((p) => p.name);
  const outcome = matched.length
    ? `pipeline ${matched.join(", ")} runs for it: it pulls ${image} from Docker Hub, so without Docker Hub or that image the run ends errored`
    : "no pipeline matches it: the answer is 200 ignored";
  return [
    `pushgate: no ./pushgate.yml, so this is a trial run with ${exampleFile} (example tokens: keep it on this machine).`,
    `  Its runs are kept in ${config.store.path}, apart from the store your own config names.`,
    `  Configure: copy it to ./pushgate.yml (or set PUSHGATE_CONFIG), set auth.webhookTokens, auth.apiToken and pipelines,`,
    `  and check it: ${checkConfigCommand(how, "pushgate.yml", image)}`,
    `  Send a test push of ${image} (${outcome}), then list the runs:`,
    `  curl -H 'Content-Type: application/json' -d '${payload}' ${url}/dockerhub-webhook/${hookToken}/notify`,
    `  curl -H "Authorization: Bearer ${apiToken}" ${url}/api/runs  # or open ${url}/ and sign in with that token`,
    ...(how === "clone"
      ? ["  To see a run pass and another fail on this machine, with no internet: npm run demo"]
      : []),
    "",
  ].join("\n");
}
