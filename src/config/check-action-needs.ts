import type { ValidatedConfig } from "./to-config.js";

/**
 * Problems no single setting shows: an action that needs a setting elsewhere in the file.
 * A jenkins action needs the top-level jenkins connection.
 */
export function checkActionNeeds(config: ValidatedConfig): string[] {
  if (config.jenkins) return [];
  const problems: string[] = [];
  config.pipelines.forEach((pipeline, p) => {
    for (const [trigger, actions] of Object.entries(pipeline.on)) {
      actions.forEach((action, a) => {
        if ("jenkins" in action) {
          problems.push(
            `pipelines[${p}].on.${trigger}[${a}].jenkins: needs the top-level jenkins setting (url, user, token or password)`,
          );
        }
      });
    }
  });
  return problems;
}
