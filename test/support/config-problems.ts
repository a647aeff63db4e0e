import { ConfigError } from "../../src/config/config-error.js";
import { parseConfig } from "../../src/config/load-config.js";

/** The problems parseConfig names for a config's text; [] when it is valid. */
export function configProblems(text: string): readonly string[] {
  try {
    parseConfig(text, {});
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
