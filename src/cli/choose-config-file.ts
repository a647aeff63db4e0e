import type { Env } from "../config/load-config.js";
import { checkConfigCommand, type HowStarted } from "./how-started.js";

export const DEFAULT_CONFIG = "./pushgate.yml";

export interface ConfigChoice {
  file: string;
  /** No config of the user's own: a trial run with the shipped example. */
  trial: boolean;
}

/**
 * Which config file to start with: $PUSHGATE_CONFIG, else ./pushgate.yml, else — only when
 * neither was given — the shipped example, as a trial run on this machine.
 */
export function chooseConfigFile(
  env: Env,
  exampleFile: string,
  exists: (file: string) => boolean,
): ConfigChoice {
  if (env.PUSHGATE_CONFIG) return { file: env.PUSHGATE_CONFIG, trial: false };
  if (!exists(DEFAULT_CONFIG) && exists(exampleFile)) return { file: exampleFile, trial: true };
  return { file: DEFAULT_CONFIG, trial: false };
}

/** What to do when the chosen config file does not exist (e.g. a container with none mounted). */
export function missingConfigMessage(file: string, exampleFile: string, how: HowStarted): string {
  const example =
    how === "image"
      ? "the example (docker run --rm --entrypoint cat IMAGE pushgate.example.yml > pushgate.yml)"
      : `the example, ${exampleFile}`;
  const use =
    how === "image"
      ? `  Then mount it: -v "$PWD/pushgate.yml:/config/pushgate.yml:ro"`
      : "  Then set PUSHGATE_CONFIG to it, or name it ./pushgate.yml where pushgate starts.";
  return [
    `pushgate: no config file at ${file}.`,
    `  Start from ${example},`,
    `  set auth.webhookTokens, auth.apiToken and pipelines, and check it: ${checkConfigCommand(how, "pushgate.yml", "acme/web:latest")}`,
    use,
    "",
  ].join("\n");
}
