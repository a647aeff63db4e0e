import type { Config } from "./config.js";
import { plainTcpWarning } from "./plain-tcp-warning.js";

/**
 * Settings that are valid but probably not what was meant, one line each with the setting's
 * path: said by check-config and logged at start-up, never refused.
 */
export function configWarnings(
  config: Pick<Config, "pipelines" | "docker" | "publicUrl">,
): string[] {
  const plainTcp = plainTcpWarning(config.docker);
  const warnings: string[] = plainTcp ? [plainTcp] : [];
  config.pipelines.forEach((pipeline, i) => {
    for (const pattern of pipeline.match.repositories) {
      if (/[A-Z]/.test(pattern)) {
        warnings.push(
          `pipelines[${i}].match.repository: "${pattern}" never matches: repository names and registry hosts are lower case`,
        );
      }
    }
    if (pipeline.statuses.length > 0 && !config.publicUrl) {
      warnings.push(
        `pipelines[${i}].statuses: without publicUrl, commit statuses carry no link to their run`,
      );
    }
    if (pipeline.test.network === "host") {
      warnings.push(
        `pipelines[${i}].test.network: host gives the test the host's network; the default, none, gives it none`,
      );
    }
  });
  return warnings;
}
