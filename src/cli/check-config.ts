import type { Config, PipelineConfig } from "../config/config.js";
import { ConfigError } from "../config/config-error.js";
import { planComposeFile, readComposeNames } from "../config/load-compose-files.js";
import { configWarnings } from "../config/config-warnings.js";
import { formatDuration } from "../config/format-duration.js";
import { loadConfig, type Env } from "../config/load-config.js";
import { runtimeProblems } from "../docker/engine-runtimes.js";
import { imageNameOf } from "../pipeline/image-name.js";
import { compilePipelineMatcher } from "../pipeline/match-pipelines.js";
import { compileRegistryResolver } from "../pipeline/resolve-registry.js";
import { parseImageReference, type ImageReference } from "./parse-image-reference.js";

export interface CliStreams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** The runtimes the configured engine knows; rejects when it does not answer. */
export type EngineRuntimes = (docker: Config["docker"]) => Promise<string[]>;

export const EXIT_USAGE = 64;
export const EXIT_CONFIG = 78;

export const CHECK_CONFIG_USAGE = `Usage: pushgate check-config [FILE.yml] [IMAGE[:TAG] ...]
  Validates FILE (default: $PUSHGATE_CONFIG, else ./pushgate.yml) as pushgate would at start-up,
  then names the pipelines a push of each IMAGE:TAG would run, e.g. acme/web:latest or
  registry.example.com:5000/team/app:v1. Exit 0: valid; 78: invalid; 64: bad arguments.
`;

/**
 * `pushgate check-config`: loads a config file exactly as start-up does and lists which
 * pipelines given image references match. When a pipeline names a test runtime and the
 * engine answers, checks that the engine knows it (exit 78 when not). Prints no secret.
 * Answers the exit code.
 */
export async function checkConfig(
  args: readonly string[],
  env: Env,
  io: CliStreams,
  engineRuntimes?: EngineRuntimes,
): Promise<number> {
  if (args.some((arg) => arg === "-h" || arg === "--help")) {
    io.stdout.write(CHECK_CONFIG_USAGE);
    return 0;
  }
  const [first, ...others] = args;
  const fileGiven = first !== undefined && /\.(ya?ml|json)$/i.test(first);
  const file = fileGiven ? first : (env.PUSHGATE_CONFIG ?? "./pushgate.yml");
  const references = fileGiven ? others : args;

  const images: ImageReference[] = [];
  for (const text of references) {
    const parsed = parseImageReference(text);
    if ("error" in parsed) {
      io.stderr.write(`${parsed.error}\n\n${CHECK_CONFIG_USAGE}`);
      return EXIT_USAGE;
    }
    images.push(parsed);
  }

  let config: Config;
  try {
    config = loadConfig(file, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return EXIT_CONFIG;
  }
  io.stdout.write(describeConfig(file, config));
  const problems = engineRuntimes ? await checkRuntimes(config, engineRuntimes, io) : [];
  if (problems.length > 0) {
    io.stderr.write(`${new ConfigError(file, problems).message}\n`);
    return EXIT_CONFIG;
  }
  // As intake does: a registry's aliases name the registry itself.
  const resolveRegistry = compileRegistryResolver(config.registries);
  const matched = new Set<string>();
  for (const image of images) {
    const resolved = { ...image, registry: resolveRegistry(image.registry) };
    const names = matchingPipelines(resolved, config.pipelines);
    names.forEach((name) => matched.add(name));
    io.stdout.write(`${describeMatches(image, resolved, names, config.pipelines)}\n`);
  }
  const unmatched = images.length
    ? config.pipelines
        .filter((p) => !matched.has(p.name))
        .map((p) => `pipeline ${p.name}: none of the images given matches it`)
    : [];
  for (const warning of [...configWarnings(config), ...unmatched]) {
    io.stdout.write(`warning: ${warning}\n`);
  }
  return 0;
}

/** Asks the engine for its runtimes when a pipeline names one; its problems, if any. */
async function checkRuntimes(
  config: Config,
  engineRuntimes: EngineRuntimes,
  io: CliStreams,
): Promise<string[]> {
  const wanted = [...new Set(config.pipelines.flatMap((p) => p.test.runtime ?? []))];
  if (wanted.length === 0) return [];
  let known: string[];
  try {
    known = await engineRuntimes(config.docker);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    io.stdout.write(`  runtimes   ${wanted.join(", ")}: not checked, ${why}\n`);
    return [];
  }
  const problems = runtimeProblems(config.pipelines, known, config.docker.host);
  if (problems.length === 0) {
    io.stdout.write(`  runtimes   ${wanted.join(", ")} (the engine knows ${known.join(", ")})\n`);
  }
  return problems;
}

function describeConfig(file: string, config: Config): string {
  const jenkins = config.jenkins
    ? `${withoutCredentials(config.jenkins.url)} (user ${config.jenkins.user}, ${config.jenkins.token ? "API token" : "password + crumb"})`
    : "not configured";
  const pipelines = config.pipelines.map((p) => p.name).join(", ") || "none: every push is ignored";
  return [
    `${file}: valid`,
    `  listen     ${config.listen.host}:${config.listen.port}`,
    `  store      ${describeStore(config.store)}`,
    `  docker     ${config.docker.host}${config.docker.tls ? " over TLS" : ""} (${config.docker.concurrency} tests at once)`,
    `  jenkins    ${jenkins}`,
    `  pipelines  ${pipelines}`,
    ...config.pipelines.flatMap(describeComposeFiles),
    "",
  ].join("\n");
}

/** What each of a pipeline's Compose test files would start, sut last. */
function describeComposeFiles(pipeline: PipelineConfig): string[] {
  return (pipeline.test.compose ?? []).map((file) => {
    const { services } = planComposeFile(file, pipeline.test.env);
    const started = new Set(services.map((s) => s.name));
    const never = readComposeNames(file, pipeline.test.env).filter((name) => !started.has(name));
    const rest = never.length > 0 ? `; never started: ${never.join(", ")}` : "";
    return `  ${pipeline.name.padEnd(10)} ${file.path} starts ${[...started].join(" → ")}${rest}`;
  });
}

/** The pipelines a push of `image` would run, whichever source announces it. */
function matchingPipelines(image: ImageReference, pipelines: readonly PipelineConfig[]): string[] {
  // Sources are shown rather than guessed: the same image may be announced by several.
  const anySource = pipelines.map(({ match: { sources: _sources, ...match }, ...rest }) => ({
    ...rest,
    match,
  }));
  return compilePipelineMatcher(anySource)({
    source: image.registry === "docker.io" ? "dockerhub" : "registry",
    registry: image.registry,
    repository: image.repository,
    tag: image.tag,
    pushedAt: new Date(0),
  }).map((p) => p.name);
}

function describeMatches(
  given: ImageReference,
  image: ImageReference,
  matched: readonly string[],
  pipelines: readonly PipelineConfig[],
): string {
  const label =
    given.registry === image.registry
      ? `${imageNameOf(image)}:${image.tag}`
      : `${imageNameOf(given)}:${given.tag} (registry ${image.registry})`;
  if (matched.length === 0)
    return `${label} → no pipeline matches (the push is answered "ignored")`;
  const names = matched.map((name) => {
    const sources = pipelines.find((p) => p.name === name)?.match.sources;
    return sources ? `${name} (only when sent by ${sources.join(", ")})` : name;
  });
  return `${label} → ${names.join(", ")}`;
}

/** The store, without a password: "./data/pushgate.db" or "PostgreSQL user@host:5432/db". */
function describeStore(store: Config["store"]): string {
  if (store.url === undefined) return store.path ?? "";
  try {
    const url = new URL(store.url);
    const user = url.username ? `${decodeURIComponent(url.username)}@` : "";
    const sslmode = url.searchParams.get("sslmode");
    const tls = sslmode ? `, sslmode=${sslmode}` : "";
    return `PostgreSQL ${user}${url.host}${url.pathname} (lease ${formatDuration(store.leaseMs)}${tls})`;
  } catch {
    return "PostgreSQL (unparsable url)";
  }
}

function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return "(unparsable url)";
  }
}
