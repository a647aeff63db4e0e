import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ComposeError, type ComposeTest } from "../testing/compose-test.js";
import { composeVariables, SAMPLE_FACTS } from "../testing/compose-variables.js";
import { planComposeTest, type ComposePlan } from "../testing/plan-compose-test.js";
import { MAX_COMPOSE_BYTES } from "../testing/parse-compose-yaml.js";
import { readComposeFile } from "../testing/read-compose-file.js";
import type { ComposeFileConfig } from "./config.js";
import type { ValidatedConfig } from "./to-config.js";

export interface LoadedComposeFiles {
  /** Each pipeline's files, by pipeline index (undefined: the pipeline names none). */
  files: (ComposeFileConfig[] | undefined)[];
  problems: string[];
}

/**
 * Reads every pipeline's `test.compose` files (relative to the config file's folder) and
 * checks each as a run would, with stand-in Autotest values: a refused key, a YAML error or a
 * missing `sut` stops start-up with the same words a run would end errored with.
 */
export function loadComposeFiles(config: ValidatedConfig, baseDir: string): LoadedComposeFiles {
  const problems: string[] = [];
  const files = config.pipelines.map(({ test }, p) => {
    if (test.compose === undefined) return undefined;
    const at = `pipelines[${p}].test`;
    if (test.services.length > 0) {
      problems.push(`${at}.services: not with test.compose (the compose file names its services)`);
    }
    const paths = typeof test.compose === "string" ? [test.compose] : test.compose;
    return paths.map((path, i) => {
      const where = typeof test.compose === "string" ? `${at}.compose` : `${at}.compose[${i}]`;
      let text = "";
      try {
        text = readFileSync(resolve(baseDir, path), "utf8");
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        problems.push(`${where}: ${path}: ${code === "ENOENT" ? "file not found" : String(error)}`);
        return { path, text };
      }
      if (Buffer.byteLength(text) > MAX_COMPOSE_BYTES) {
        problems.push(`${where}: ${path}: larger than ${MAX_COMPOSE_BYTES / 1024} KiB`);
        return { path, text };
      }
      try {
        planComposeFile({ path, text }, test.env);
      } catch (error) {
        if (!(error instanceof ComposeError)) throw error;
        problems.push(...error.problems.map((problem) => `${where}: ${path}: ${problem}`));
      }
      return { path, text };
    });
  });
  return { files, problems };
}

/** What a pipeline's file starts, read with stand-in Autotest values; throws ComposeError. */
export function planComposeFile(
  file: ComposeFileConfig,
  env: Readonly<Record<string, string>>,
): ComposePlan {
  return planComposeTest(readSample(file, env));
}

/** Every service a pipeline's file names, started or not. */
export function readComposeNames(
  file: ComposeFileConfig,
  env: Readonly<Record<string, string>>,
): string[] {
  return readSample(file, env).services.map((service) => service.name);
}

function readSample(file: ComposeFileConfig, env: Readonly<Record<string, string>>): ComposeTest {
  return readComposeFile(file.text, file.path, composeVariables(env, SAMPLE_FACTS));
}
