import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseDocument } from "yaml";
import { formatJoiErrors } from "../validation/format-joi-errors.js";
import { yamlErrorLine } from "../validation/yaml-error-line.js";
import { checkActionNeeds } from "./check-action-needs.js";
import { checkDockerTls } from "./check-docker-tls.js";
import type { Config } from "./config.js";
import { ConfigError } from "./config-error.js";
import { configSchema } from "./config-schema.js";
import { interpolateEnv } from "./interpolate-env.js";
import { loadComposeFiles, type LoadedComposeFiles } from "./load-compose-files.js";
import { toConfig, type ValidatedConfig } from "./to-config.js";

export type Env = Readonly<Record<string, string | undefined>>;

/** Reads, interpolates and validates a YAML config file; throws ConfigError naming each problem. */
export function loadConfig(file: string, env: Env): Config {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(error);
    throw new ConfigError(file, [reason]);
  }
  return parseConfig(text, env, file);
}

/** The same as loadConfig, from the file's text; `test.compose` paths are relative to `file`'s folder. */
export function parseConfig(text: string, env: Env, file = "config"): Config {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ConfigError(file, document.errors.map(yamlErrorLine));
  }
  const interpolated = interpolateEnv(document.toJS() ?? {}, env);
  const problems = interpolated.problems.map((p) => `${p.path}: ${p.message}`);
  const fromEnv = withDatabaseUrl(interpolated.value, env);

  const result = configSchema.validate(fromEnv.value, {
    abortEarly: false,
    errors: { label: false },
  });
  let composeFiles: LoadedComposeFiles["files"] = [];
  if (result.error) {
    // A setting whose variable is unset is said once, as such, not also as an empty value.
    const unset = new Set(interpolated.problems.map((p) => p.path));
    problems.push(
      ...formatJoiErrors(result.error, configSchema)
        .filter((p) => !unset.has(p.path))
        .map((p) => `${p.path === "store.url" ? fromEnv.urlFrom : p.path}: ${p.message}`),
    );
  } else {
    const validated = result.value as ValidatedConfig;
    problems.push(...checkActionNeeds(validated));
    const loaded = loadComposeFiles(validated, dirname(resolve(file)));
    problems.push(...loaded.problems);
    composeFiles = loaded.files;
  }
  if (problems.length > 0) throw new ConfigError(file, problems);

  const validated = result.value as ValidatedConfig;
  const config = toConfig(validated, env, composeFiles, interpolated.fileSecrets);
  const tlsProblems = checkDockerTls(config.docker, validated.docker.tls === undefined);
  if (tlsProblems.length > 0) throw new ConfigError(file, tlsProblems);
  return config;
}

/**
 * DATABASE_URL selects PostgreSQL when the file names no store (neither store.path nor
 * store.url); what the file says wins. Also tells where the URL came from, for errors.
 */
function withDatabaseUrl(value: unknown, env: Env): { value: unknown; urlFrom: string } {
  const config = (value ?? {}) as Record<string, unknown>;
  const store = (config.store ?? {}) as Record<string, unknown>;
  if (!env.DATABASE_URL || typeof store !== "object" || "path" in store || "url" in store) {
    return { value, urlFrom: "store.url" };
  }
  return {
    value: { ...config, store: { ...store, url: env.DATABASE_URL } },
    urlFrom: "DATABASE_URL",
  };
}
