import { join } from "node:path";
import type {
  ActionConfig,
  ComposeFileConfig,
  Config,
  DockerTlsFiles,
  JenkinsActionConfig,
  PipelineConfig,
  RedeployActionConfig,
  ServiceConfig,
  SlackActionConfig,
  StatusConfig,
  StatusProvider,
  TeamsActionConfig,
  DiscordActionConfig,
  TmpfsMount,
  WebhookActionConfig,
} from "./config.js";
import type { Env } from "./load-config.js";

type Globs = string | string[];

/** The config as the schema leaves it: YAML names, units already converted. */
export interface ValidatedConfig extends Omit<
  Config,
  "auth" | "limits" | "docker" | "actions" | "shutdown" | "pipelines" | "fileSecrets" | "store"
> {
  store: {
    path?: string;
    url?: string;
    lease: number;
    instance?: string;
    retention: { maxAge?: number; keepPerPipeline?: number };
  };
  auth: Omit<Config["auth"], "githubWebhookSecrets" | "sessionIdleMs"> & {
    githubWebhookSecret?: string | string[];
    sessionIdle: number;
  };
  limits: { body: number; dedupeTtl: number; backlog: number };
  actions: { timeout: number; attempts: number; backoff: number; maxBackoff: number };
  docker: {
    host?: string;
    concurrency: number;
    pullTimeout: number;
    callTimeout: number;
    tls?: DockerTlsFiles;
    maxAttempts: number;
  };
  shutdown: { grace: number };
  pipelines: ValidatedPipeline[];
}

/** An action's settings as the schema leaves them: `timeout` in ms, not yet `timeoutMs`. */
type Validated<T> = Omit<T, "timeoutMs"> & { timeout?: number };

type ValidatedAction =
  | { jenkins: Validated<Omit<JenkinsActionConfig, "waitTimeoutMs">> & { waitTimeout: number } }
  | { redeploy: Validated<RedeployActionConfig> }
  | { slack: Validated<SlackActionConfig> }
  | { teams: Validated<TeamsActionConfig> }
  | { discord: Validated<DiscordActionConfig> }
  | { webhook: Validated<WebhookActionConfig> };

type StatusOptions = Partial<Omit<StatusConfig, "provider">>;
type StatusItem = StatusProvider | Partial<Record<StatusProvider, StatusOptions>>;

interface ValidatedPipeline extends Omit<PipelineConfig, "match" | "test" | "on" | "statuses"> {
  statuses: StatusItem | StatusItem[];
  on: Record<keyof PipelineConfig["on"], ValidatedAction[]>;
  match: { repository: Globs; tags: Globs; sources?: PipelineConfig["match"]["sources"] };
  test: Omit<
    PipelineConfig["test"],
    "compose" | "timeoutMs" | "resources" | "services" | "tmpfs"
  > & {
    compose?: string | string[];
    timeout: number;
    resources: { memory: number; cpus: number; pids: number };
    services: (Omit<ServiceConfig, "timeoutMs"> & { timeout: number })[];
    tmpfs: (string | { path: string; size: number })[];
  };
}

const list = (globs: Globs): string[] => (typeof globs === "string" ? [globs] : globs);

/** Size of a tmpfs mount given by its path alone, and of /tmp under test.readOnly. */
export const DEFAULT_TMPFS_BYTES = 64 * 1024 ** 2;

/** test.tmpfs as mounts, /tmp first when the root is read-only (unless listed itself). */
function tmpfsOf(test: ValidatedPipeline["test"]): TmpfsMount[] {
  const mounts = test.tmpfs.map((entry) =>
    typeof entry === "string"
      ? { path: entry, sizeBytes: DEFAULT_TMPFS_BYTES }
      : { path: entry.path, sizeBytes: entry.size },
  );
  if (test.readOnly && !mounts.some((m) => m.path === "/tmp")) {
    mounts.unshift({ path: "/tmp", sizeBytes: DEFAULT_TMPFS_BYTES });
  }
  return mounts;
}

/**
 * docker.tls as configured, else the docker CLI's variables: DOCKER_TLS_VERIFY (any value)
 * with the ca.pem, cert.pem and key.pem of DOCKER_CERT_PATH (default ~/.docker).
 */
function dockerTlsOf(configured: DockerTlsFiles | undefined, env: Env): DockerTlsFiles | undefined {
  if (configured) return configured;
  if (!env.DOCKER_TLS_VERIFY) return undefined;
  const dir = env.DOCKER_CERT_PATH || join(env.HOME ?? "", ".docker");
  return { ca: join(dir, "ca.pem"), cert: join(dir, "cert.pem"), key: join(dir, "key.pem") };
}
function withTimeoutMs<T extends { timeout?: number }>({
  timeout,
  ...rest
}: T): Omit<T, "timeout"> & { timeoutMs?: number } {
  return timeout === undefined ? rest : { ...rest, timeoutMs: timeout };
}

function toAction(action: ValidatedAction): ActionConfig {
  if ("jenkins" in action) {
    const { waitTimeout, ...jenkins } = withTimeoutMs(action.jenkins);
    return { jenkins: { ...jenkins, waitTimeoutMs: waitTimeout } };
  }
  if ("redeploy" in action) return { redeploy: withTimeoutMs(action.redeploy) };
  if ("slack" in action) return { slack: withTimeoutMs(action.slack) };
  if ("teams" in action) return { teams: withTimeoutMs(action.teams) };
  if ("discord" in action) return { discord: withTimeoutMs(action.discord) };
  return { webhook: withTimeoutMs(action.webhook) };
}

/** `statuses` in any of its forms, as one entry per provider; context "pushgate/<pipeline>". */
function toStatuses(statuses: StatusItem | StatusItem[], pipeline: string): StatusConfig[] {
  const items = Array.isArray(statuses) ? statuses : [statuses];
  return items.flatMap((item) => {
    const entries: [StatusProvider, StatusOptions][] =
      typeof item === "string"
        ? [[item, {}]]
        : (Object.entries(item) as [StatusProvider, StatusOptions][]);
    return entries.map(([provider, options = {}]) => ({
      provider,
      context: options.context ?? `pushgate/${pipeline}`,
      ...(options.repository ? { repository: options.repository } : {}),
    }));
  });
}

/**
 * Maps the validated YAML onto the Config the code reads, and freezes it. `composeFiles`:
 * each pipeline's `test.compose` files as read, by pipeline index; `fileSecrets`: what
 * `${file:...}` read.
 */
export function toConfig(
  raw: ValidatedConfig,
  env: Env,
  composeFiles: readonly (ComposeFileConfig[] | undefined)[] = [],
  fileSecrets: readonly string[] = [],
): Config {
  const port =
    env.PORT !== undefined && /^\d+$/.test(env.PORT) ? Number(env.PORT) : raw.listen.port;
  const { githubWebhookSecret, sessionIdle, ...auth } = raw.auth;
  const { path, url, lease, instance, retention } = raw.store;
  const config: Config = {
    ...raw,
    store: {
      ...(url !== undefined ? { url } : { path: path ?? "./data/pushgate.db" }),
      leaseMs: lease,
      ...(instance !== undefined ? { instance } : {}),
      retention: {
        ...(retention.maxAge !== undefined ? { maxAgeMs: retention.maxAge } : {}),
        ...(retention.keepPerPipeline !== undefined
          ? { keepPerPipeline: retention.keepPerPipeline }
          : {}),
      },
    },
    listen: { ...raw.listen, port },
    auth: {
      ...auth,
      githubWebhookSecrets: list(githubWebhookSecret ?? []),
      sessionIdleMs: sessionIdle,
    },
    limits: {
      bodyBytes: raw.limits.body,
      dedupeTtlMs: raw.limits.dedupeTtl,
      backlog: raw.limits.backlog,
    },
    docker: {
      host: raw.docker.host ?? env.DOCKER_HOST ?? "unix:///var/run/docker.sock",
      concurrency: raw.docker.concurrency,
      pullTimeoutMs: raw.docker.pullTimeout,
      callTimeoutMs: raw.docker.callTimeout,
      ...withTls(dockerTlsOf(raw.docker.tls, env)),
      maxAttempts: raw.docker.maxAttempts,
    },
    shutdown: { graceMs: raw.shutdown.grace },
    actions: {
      timeoutMs: raw.actions.timeout,
      attempts: raw.actions.attempts,
      backoffMs: raw.actions.backoff,
      maxBackoffMs: Math.max(raw.actions.backoff, raw.actions.maxBackoff),
    },
    pipelines: raw.pipelines.map(({ match, test, on, statuses, ...rest }, p) => ({
      ...rest,
      statuses: toStatuses(statuses, rest.name),
      on: {
        success: on.success.map(toAction),
        failure: on.failure.map(toAction),
        error: on.error.map(toAction),
      },
      match: {
        repositories: list(match.repository),
        tags: list(match.tags),
        ...(match.sources ? { sources: match.sources } : {}),
      },
      test: {
        ...(composeFiles[p] ? { compose: composeFiles[p] } : {}),
        ...(test.command ? { command: test.command } : {}),
        env: test.env,
        timeoutMs: test.timeout,
        network: test.network,
        resources: {
          memoryBytes: test.resources.memory,
          cpus: test.resources.cpus,
          pids: test.resources.pids,
        },
        services: test.services.map(({ timeout, ...service }) => ({
          ...service,
          timeoutMs: timeout,
        })),
        ...(test.runtime ? { runtime: test.runtime } : {}),
        readOnly: test.readOnly,
        tmpfs: tmpfsOf(test),
        ...(test.user ? { user: test.user } : {}),
      },
    })),
    fileSecrets: [...fileSecrets],
  };
  return deepFreeze(config);
}

const withTls = (tls: DockerTlsFiles | undefined) => (tls ? { tls } : {});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
