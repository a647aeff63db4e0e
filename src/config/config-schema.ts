import Joi from "joi";
import { isValidImageReference } from "../docker/image-reference.js";
import { registryHost } from "../sources/joi-reference-rules.js";
import { actionList, allowedHost } from "./action-schema.js";
import { duration, size } from "./joi-units.js";
import { dockerTls, serviceCapabilities, testLockdown, trustProxy } from "./lockdown-schema.js";
import { pipelineSource, promote } from "./promote-schema.js";
import { forge, statuses } from "./statuses-schema.js";

const SOURCES = ["dockerhub", "registry", "acr", "harbor", "quay", "ghcr"];

const secret = Joi.string().min(8).messages({ "string.min": "must be at least 8 characters" });

/** Each name a registry may report itself under belongs to exactly one configured registry. */
const refuseSharedAliases: Joi.CustomValidator<{ host: string; aliases?: string[] }[]> = (
  registries,
  helpers,
) => {
  const owner = new Map<string, number>();
  registries.forEach((registry, i) => owner.set(registry.host.toLowerCase(), i));
  for (const [i, registry] of registries.entries()) {
    for (const alias of registry.aliases ?? []) {
      const other = owner.get(alias.toLowerCase());
      if (other !== undefined && other !== i) {
        return helpers.message({
          custom: `alias ${alias} of registries[${i}] already names registries[${other}]`,
        });
      }
      owner.set(alias.toLowerCase(), i);
    }
  }
  return registries;
};

const argv = Joi.array().items(Joi.string()).min(1);
const stringMap = Joi.object().pattern(/^[A-Za-z_][A-Za-z0-9_]*$/, Joi.string().allow(""));
const globs = Joi.alternatives(Joi.string(), Joi.array().items(Joi.string()).min(1));

const imageReference = Joi.string().custom((value: string, helpers) =>
  isValidImageReference(value)
    ? value
    : helpers.message({ custom: "must be an image reference such as postgres:16" }),
);

const regularExpression = Joi.string().custom((value: string, helpers) => {
  try {
    new RegExp(value);
    return value;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return helpers.message({ custom: `must be a regular expression (${why})` });
  }
});

const service = Joi.object({
  name: Joi.string()
    .pattern(/^[a-z0-9][a-z0-9-]{0,62}$/)
    .required()
    .messages({ "string.pattern.base": "must be a lowercase host name such as db" }),
  image: imageReference.required(),
  env: stringMap.default({}),
  command: argv,
  wait: Joi.object({
    tcp: Joi.number().integer().min(1).max(65535),
    log: regularExpression,
  }).xor("tcp", "log"),
  timeout: duration("60s"),
  ...serviceCapabilities,
});

const test = Joi.object({
  compose: Joi.alternatives(Joi.string().min(1), Joi.array().items(Joi.string().min(1)).min(1)),
  command: argv,
  env: stringMap.default({}),
  timeout: duration("10m"),
  network: Joi.string().default("none"),
  resources: Joi.object({
    memory: size("512m"),
    cpus: Joi.number().positive().max(64).default(1),
    pids: Joi.number().integer().min(8).max(65536).default(256),
  }).default(),
  services: Joi.array().items(service).unique("name").default([]),
  ...testLockdown,
})
  .oxor("compose", "command")
  .messages({ "object.oxor": "set test.compose or test.command, not both" })
  .default();

const pipeline = Joi.object({
  name: Joi.string()
    .pattern(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/)
    .required()
    .messages({ "string.pattern.base": "must be letters, digits, . _ - (at most 64)" }),
  match: Joi.object({
    repository: globs.required(),
    tags: globs.default(["*"]),
    sources: Joi.array()
      .items(Joi.string().valid(...SOURCES))
      .min(1),
  }).required(),
  test,
  on: Joi.object({ success: actionList, failure: actionList, error: actionList }).default(),
  callback: Joi.boolean().default(false),
  badge: Joi.boolean().default(false),
  statuses,
  promote,
  source: pipelineSource,
  concurrency: Joi.number().integer().min(1).max(64),
  supersede: Joi.alternatives(Joi.string().valid("queued", "running"), Joi.boolean().valid(false))
    .default(false)
    .messages({ "alternatives.match": 'must be "queued", "running" or false' }),
});

export const configSchema = Joi.object({
  listen: Joi.object({
    host: Joi.string().default("0.0.0.0"),
    port: Joi.number().integer().min(0).max(65535).default(8080),
  }).default(),
  store: Joi.object({
    path: Joi.string(),
    url: Joi.string()
      .uri({ scheme: ["postgres", "postgresql"] })
      .messages({
        "string.uri": "must be a URL such as postgres://pushgate:secret@db:5432/pushgate",
        "string.uriCustomScheme": "must be a postgres:// URL",
      }),
    lease: duration("30s"),
    retention: Joi.object({
      maxAge: duration(),
      keepPerPipeline: Joi.number().integer().min(1),
    }).default({}),
    instance: Joi.string()
      .pattern(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/)
      .messages({ "string.pattern.base": "must be letters, digits, . _ - (at most 64)" }),
  })
    .oxor("path", "url")
    .messages({ "object.oxor": "set store.path (SQLite) or store.url (PostgreSQL), not both" })
    .default(),
  limits: Joi.object({
    body: size("1m"),
    dedupeTtl: duration("1h"),
    backlog: Joi.number().integer().min(1).default(10_000),
  }).default(),
  auth: Joi.object({
    webhookTokens: Joi.array()
      .items(Joi.string().min(8).messages({ "string.min": "must be at least 8 characters" }))
      .min(1)
      .required(),
    apiToken: Joi.string()
      .min(8)
      .required()
      .messages({ "string.min": "must be at least 8 characters" }),
    githubWebhookSecret: Joi.alternatives(secret, Joi.array().items(secret).min(1)),
    metricsToken: secret,
    sessionIdle: duration("12h"),
  }).required(),
  trustProxy,
  docker: Joi.object({
    host: Joi.string().pattern(/^(unix|tcp|http|https|npipe):\/\//),
    concurrency: Joi.number().integer().min(1).max(64).default(2),
    pullTimeout: duration("5m"),
    callTimeout: duration("60s"),
    tls: dockerTls,
    maxAttempts: Joi.number().integer().min(1).max(100).default(3),
  }).default(),
  shutdown: Joi.object({ grace: duration("30s") }).default(),
  registries: Joi.array()
    .items(
      Joi.object({
        host: registryHost.required(),
        mirror: registryHost,
        username: Joi.string(),
        password: Joi.string(),
        insecure: Joi.boolean().default(false),
        aliases: Joi.array().items(registryHost).default([]),
      }).and("username", "password"),
    )
    .unique("host")
    .custom(refuseSharedAliases)
    .default([]),
  publicUrl: Joi.string()
    .uri({ scheme: ["http", "https"] })
    .messages({
      "string.uriCustomScheme": "must be an http(s) URL such as https://pushgate.example.com",
    }),
  jenkins: Joi.object({
    url: Joi.string()
      .uri({ scheme: ["http", "https"] })
      .required(),
    user: Joi.string().required(),
    token: Joi.string(),
    password: Joi.string(),
  }).xor("token", "password"),
  github: forge("https://api.github.com"),
  gitlab: forge("https://gitlab.com"),
  gitea: forge(),
  actions: Joi.object({
    timeout: duration("10s"),
    attempts: Joi.number().integer().min(1).max(20).default(5),
    backoff: duration("1s"),
    maxBackoff: duration("1m"),
  }).default(),
  callbacks: Joi.object({
    allowedHosts: Joi.array().items(allowedHost).default([]),
  }).default(),
  log: Joi.object({
    level: Joi.string().valid("error", "warn", "info", "debug").default("info"),
  }).default(),
  pipelines: Joi.array().items(pipeline).unique("name").default([]),
}).required();
