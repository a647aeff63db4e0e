import type { SourceName } from "../sources/push-event.js";

/** The validated configuration, built once at start-up and frozen. */
export interface Config {
  listen: { host: string; port: number };
  store: StoreConfig;
  limits: {
    /** Largest webhook body accepted, in bytes (413 past it). */
    bodyBytes: number;
    /** How long the latest push of each tag (headKeyOf) is remembered in memory, in ms. */
    dedupeTtlMs: number;
    /** Most runs waiting in the queue; past it webhooks get 429 and nothing is recorded. */
    backlog: number;
  };
  auth: {
    /** Every accepted webhook token; several at once allow rotation. */
    webhookTokens: string[];
    /** Bearer token for /api. */
    apiToken: string;
    /** Secrets of GitHub webhooks (GHCR), checked against X-Hub-Signature-256; several while rotating. */
    githubWebhookSecrets: string[];
    /** Bearer token for /metrics; unset, /metrics is open. */
    metricsToken?: string;
    /** A dashboard session unused for this long ends. */
    sessionIdleMs: number;
  };
  /**
   * Whose X-Forwarded-For gives the client's address (rate limits, logs) and whose
   * X-Forwarded-Proto says the request came over HTTPS (the dashboard's Secure cookie): false
   * (none, the default), true (any), a number of proxies in front, or proxy addresses and
   * ranges, as Express's "trust proxy" reads them.
   */
  trustProxy: boolean | number | string | string[];
  docker: {
    /** e.g. unix:///var/run/docker.sock or tcp://host:2376 */
    host: string;
    concurrency: number;
    pullTimeoutMs: number;
    /** Deadline of every other engine call (not pulls, not waits for a container). */
    callTimeoutMs: number;
    /** Files for TLS to a tcp:// engine (docker.tls, or DOCKER_TLS_VERIFY + DOCKER_CERT_PATH). */
    tls?: DockerTlsFiles;
    /** Executions a run gets; one interrupted by a restart that often ends errored. */
    maxAttempts: number;
  };
  shutdown: {
    /** How long running tests may go on after SIGTERM before they are stopped and requeued. */
    graceMs: number;
  };
  registries: RegistryConfig[];
  /** The URL people reach pushgate at, for links in notifications and callbacks. */
  publicUrl?: string;
  jenkins?: JenkinsConfig;
  /** Where commit statuses go: GitHub (or GitHub Enterprise), GitLab, Gitea or Forgejo. */
  github?: ForgeConfig;
  gitlab?: ForgeConfig;
  gitea?: ForgeConfig;
  /** How outbound calls (Jenkins, redeploys, notifications, callbacks) are made. */
  actions: ActionsConfig;
  callbacks: {
    /** "host[:port]" (https only) or "scheme://host[:port]" entries callback_url may point at. */
    allowedHosts: string[];
  };
  log: { level: "error" | "warn" | "info" | "debug" };
  pipelines: PipelineConfig[];
  /** Values read through ${file:...}: secrets wherever they are used. */
  fileSecrets: string[];
}

export interface DockerTlsFiles {
  /** The CA the engine's certificate must chain to; the system's CAs when omitted. */
  ca?: string;
  /** The client certificate and its key, which an engine started with --tlsverify asks for. */
  cert?: string;
  key?: string;
}

/** Where runs are kept: exactly one of `path` (SQLite) and `url` (PostgreSQL) is set. */
export interface StoreConfig {
  /** The SQLite file: the embedded default, for one pushgate process. */
  path?: string;
  /** postgres://user:password@host:port/database (store.url or DATABASE_URL): for replicas. */
  url?: string;
  /** How long a replica holds a claimed run without renewing its lease (store.lease). */
  leaseMs: number;
  /** This replica's id on PostgreSQL (store.instance); the host name when unset. */
  instance?: string;
  /** Finished runs kept (store.retention): older than maxAge and past the newest keepPerPipeline go. */
  retention: { maxAgeMs?: number; keepPerPipeline?: number };
}

export interface RegistryConfig {
  host: string;
  /** Pull this registry's images from here instead (host[:port]). */
  mirror?: string;
  username?: string;
  password?: string;
  /** Use plain HTTP for this registry (a local registry on 127.0.0.1). */
  insecure: boolean;
  /**
   * Other names this registry reports itself under (the Host its clients used, e.g.
   * "registry:5000" inside a compose network); pushes announced under them count as `host`.
   */
  aliases: string[];
}

export interface JenkinsConfig {
  url: string;
  user: string;
  /** API token: HTTP Basic, no crumb needed. */
  token?: string;
  /** Password: Basic auth plus a crumb tied to a session cookie. */
  password?: string;
}

/** A code host that takes commit statuses: its API's base URL and a token (a secret). */
export interface ForgeConfig {
  /** GitHub: https://api.github.com or https://HOST/api/v3; GitLab, Gitea: the site's URL. */
  url: string;
  token: string;
}

export type StatusProvider = "github" | "gitlab" | "gitea";

/** A commit status a pipeline reports to one provider. */
export interface StatusConfig {
  provider: StatusProvider;
  /** The status's name on the commit; default "pushgate/<pipeline>". */
  context: string;
  /** "owner/name" on the provider, instead of the one the image's source label names. */
  repository?: string;
}

/** Where a passing image's tested digest is pushed, under which tags. */
export interface PromoteConfig {
  /** Tag templates: "stable", "sha-{{revision}}". */
  tags: string[];
  /** "registry.example.com/team/app"; the tested image's own repository when unset. */
  repository?: string;
}

/** Where an image comes from when its labels do not say. */
export interface SourceConfig {
  /** "owner/name" (GitLab: "group/subgroup/name"). */
  repository?: string;
  /** A template: "{{tag}}" for images tagged with their commit. */
  revision?: string;
}

export interface PipelineMatch {
  /** Globs on the image name: "acme/web" for Docker Hub, "host:port/acme/web" elsewhere. */
  repositories: string[];
  /** Globs on the tag. */
  tags: string[];
  /** Restrict to some sources; all when omitted. */
  sources?: SourceName[];
}

export interface ServiceConfig {
  name: string;
  image: string;
  env: Record<string, string>;
  command?: string[];
  wait?: { tcp: number } | { log: string };
  timeoutMs: number;
  /** Given back on top of Docker's defaults minus NET_RAW (IPC_LOCK, SYS_NICE, NET_RAW...). */
  capAdd: string[];
  /** Dropped from them ("ALL" for every one). */
  capDrop: string[];
}

/** A tmpfs mount in every container of a test. */
export interface TmpfsMount {
  path: string;
  sizeBytes: number;
}

/** A Compose test file named by a pipeline, read (and checked) at start-up. */
export interface ComposeFileConfig {
  /** As written in the config, relative to its folder: "docker-compose.test.yml". */
  path: string;
  text: string;
}

export interface TestConfig {
  /** Compose test files run one after the other (Autotest's `sut`); all must pass. */
  compose?: ComposeFileConfig[];
  /** argv, like `docker run IMAGE ...argv`; omitted: the image's label or default command. */
  command?: string[];
  env: Record<string, string>;
  timeoutMs: number;
  /** "none" (default) or the name of a Docker network the test may use. */
  network: string;
  resources: { memoryBytes: number; cpus: number; pids: number };
  services: ServiceConfig[];
  /** The engine's runtime for every container of the test ("runsc" for gVisor); its default when unset. */
  runtime?: string;
  /** Read-only root filesystems, with a tmpfs at /tmp and at each of `tmpfs`. */
  readOnly: boolean;
  /** tmpfs mounts (test.tmpfs); /tmp comes first when readOnly. */
  tmpfs: TmpfsMount[];
  /** "uid[:gid]" or a user name the containers run as; the image's own when unset. */
  user?: string;
}

export interface ActionsConfig {
  /** Longest wait for one call. */
  timeoutMs: number;
  /** Tries per call, the first included, for 5xx answers, timeouts and refused connections. */
  attempts: number;
  /** First wait between tries; doubled each time, with jitter, up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
}

/** What every action kind accepts. */
export interface ActionCallSettings {
  /** Longest wait for each of the action's calls; actions.timeout when unset. */
  timeoutMs?: number;
}

/** Strings may hold {{repository}}, {{tag}}, {{digest}}, {{image}}, {{runId}}... */
export interface JenkinsActionConfig extends ActionCallSettings {
  /** "deploy/web" for the job web in the folder deploy. */
  job: string;
  /** Sent after the plugin's and pushgate's own parameters. */
  parameters: Record<string, string>;
  /** Follow the queue item to the build and record its result. */
  wait: boolean;
  waitTimeoutMs: number;
}

export type RedeployPreset = "generic" | "watchtower" | "portainer" | "keel" | "dockercloud";

export interface RedeployActionConfig extends ActionCallSettings {
  preset: RedeployPreset;
  url: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  headers: Record<string, string>;
  /** JSON body template (generic preset). */
  body?: unknown;
  /** watchtower's HTTP API token. */
  token?: string;
  /** portainer: move the service to the pushed tag (?tag=) instead of re-pulling its own. */
  updateTag: boolean;
  /** watchtower and portainer answer after the redeploy: 5 minutes unless set. */
  timeoutMs?: number;
}

export interface SlackActionConfig extends ActionCallSettings {
  /** Incoming webhook URL; it is a secret. */
  url: string;
}

/** A Teams Workflows webhook ("When a Teams webhook request is received"); it is a secret. */
export interface TeamsActionConfig extends ActionCallSettings {
  url: string;
}

/** A Discord channel webhook; it is a secret. */
export interface DiscordActionConfig extends ActionCallSettings {
  url: string;
}

export interface WebhookActionConfig extends ActionCallSettings {
  url: string;
  headers: Record<string, string>;
}

/** One outcome action as written in the config: exactly one kind per list item. */
export type ActionConfig =
  | { jenkins: JenkinsActionConfig }
  | { redeploy: RedeployActionConfig }
  | { slack: SlackActionConfig }
  | { teams: TeamsActionConfig }
  | { discord: DiscordActionConfig }
  | { webhook: WebhookActionConfig };

export interface PipelineConfig {
  name: string;
  match: PipelineMatch;
  test: TestConfig;
  on: { success: ActionConfig[]; failure: ActionConfig[]; error: ActionConfig[] };
  /** Answer Docker Hub's callback_url with the result. */
  callback: boolean;
  /** Serve /badges/<name>.svg, the result of the latest finished run, to anyone. */
  badge: boolean;
  /** Commit statuses: pending when the test starts, then the verdict. */
  statuses: StatusConfig[];
  /** Push the tested digest under these tags after a pass, before on.success. */
  promote?: PromoteConfig;
  /** The image's source repository and commit when its labels do not name them. */
  source?: SourceConfig;
  /** Most of this pipeline's runs pulled and tested at once, within docker.concurrency. */
  concurrency?: number;
  /**
   * What a newer push of the same image (registry/repository:tag) does to this pipeline's
   * older runs: "queued" supersedes those still queued, "running" those being tested too.
   */
  supersede: SupersedeMode;
}

export type SupersedeMode = "queued" | "running" | false;
