import type { ActionConfig, Config } from "./config.js";
import { urlSecretsOf } from "./url-secrets.js";

const SECRET_KEY = /token|secret|password|authorization|api[-_]?key/i;

/** The URL an action calls as configured: redeploy (any preset), Slack, Teams, Discord, webhook. */
function outboundUrlOf(action: ActionConfig): string | undefined {
  if ("redeploy" in action) return action.redeploy.url;
  if ("slack" in action) return action.slack.url;
  if ("teams" in action) return action.teams.url;
  if ("discord" in action) return action.discord.url;
  if ("webhook" in action) return action.webhook.url;
  return undefined;
}

/**
 * Every configured value that must never reach a log line or an API answer: tokens (the
 * code hosts' ones included), passwords, and any setting whose name says it is secret (action headers included).
 * Outbound URLs of actions count as secrets too: Slack incoming webhooks, Portainer and
 * Docker Cloud-style triggers and many hooks carry their secret in the path or query, and a
 * receiver may echo those without the origin, so their secret parts count on their own.
 */
export function collectSecrets(config: Config): string[] {
  const found = new Set<string>([
    ...config.auth.webhookTokens,
    config.auth.apiToken,
    ...config.auth.githubWebhookSecrets,
    ...config.fileSecrets,
  ]);
  if (config.auth.metricsToken) found.add(config.auth.metricsToken);
  for (const registry of config.registries) if (registry.password) found.add(registry.password);
  if (config.jenkins?.token) found.add(config.jenkins.token);
  // The database URL: its password, and any credential its query holds (password=, sslkey=).
  if (config.store.url)
    for (const secret of [config.store.url, ...urlSecretsOf(config.store.url)]) found.add(secret);
  if (config.jenkins?.password) found.add(config.jenkins.password);
  for (const forge of [config.github, config.gitlab, config.gitea]) {
    if (forge) found.add(forge.token);
  }

  const visit = (node: unknown, secretByName: boolean): void => {
    if (typeof node === "string") {
      if (secretByName) found.add(node);
      return;
    }
    if (Array.isArray(node)) node.forEach((item) => visit(item, secretByName));
    else if (node !== null && typeof node === "object") {
      for (const [key, item] of Object.entries(node))
        visit(item, secretByName || SECRET_KEY.test(key));
    }
  };
  for (const pipeline of config.pipelines) {
    visit(pipeline.test, false);
    for (const actions of Object.values(pipeline.on)) {
      for (const action of actions) {
        visit(action, false);
        const url = outboundUrlOf(action);
        if (url) for (const secret of [url, ...urlSecretsOf(url)]) found.add(secret);
      }
    }
  }
  // A secret shorter than 4 characters would redact ordinary words; the schema refuses
  // such tokens, and shorter user-chosen values are not worth mangling every line for.
  return [...found].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
}
