import { ConfigError } from "../../src/config/config-error.js";
import { parseConfig } from "../../src/config/load-config.js";

/** The least a config needs: tokens. */
export const AUTH = "auth: { webhookTokens: [hook-token-1], apiToken: api-token-1 }\n";

/** The problems parseConfig names for `text`; fails the test when it finds none. */
export function problemsOf(text: string, env: Record<string, string> = {}): readonly string[] {
  try {
    parseConfig(text, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}
