import type { ValidatedConfig } from "./to-config.js";

const FORGE_SETTING = {
  github: "github (token; url for GitHub Enterprise)",
  gitlab: "gitlab (token; url unless gitlab.com)",
  gitea: "gitea (url, token)",
} as const;

/**
 * Problems no single setting shows: something a pipeline asks for that needs a setting
 * elsewhere in the file. A jenkins action needs the top-level jenkins connection; a commit
 * status the top-level github, gitlab or gitea connection.
 */
export function checkActionNeeds(config: ValidatedConfig): string[] {
  const problems: string[] = [];
  config.pipelines.forEach((pipeline, p) => {
    if (!config.jenkins) {
      for (const [trigger, actions] of Object.entries(pipeline.on)) {
        actions.forEach((action, a) => {
          if ("jenkins" in action) {
            problems.push(
              `pipelines[${p}].on.${trigger}[${a}].jenkins: needs the top-level jenkins setting (url, user, token or password)`,
            );
          }
        });
      }
    }
    const items = Array.isArray(pipeline.statuses) ? pipeline.statuses : [pipeline.statuses];
    const providers = items.flatMap((item) =>
      typeof item === "string" ? [item] : Object.keys(item),
    );
    for (const provider of providers) {
      if (provider in FORGE_SETTING && !config[provider as keyof typeof FORGE_SETTING]) {
        problems.push(
          `pipelines[${p}].statuses: ${provider} needs the top-level ${FORGE_SETTING[provider as keyof typeof FORGE_SETTING]} setting`,
        );
      }
    }
  });
  return problems;
}
