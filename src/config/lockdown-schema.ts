import { isIP } from "node:net";
import Joi from "joi";
import { size } from "./joi-units.js";

/** Docker's default capabilities (moby's oci/caps/defaults.go): what a service starts from. */
export const DOCKER_DEFAULT_CAPS = [
  "CHOWN",
  "DAC_OVERRIDE",
  "FSETID",
  "FOWNER",
  "MKNOD",
  "NET_RAW",
  "SETGID",
  "SETUID",
  "SETFCAP",
  "SETPCAP",
  "NET_BIND_SERVICE",
  "SYS_CHROOT",
  "KILL",
  "AUDIT_WRITE",
] as const;

/**
 * Capabilities a service may be given back: Docker's defaults, and two that databases ask
 * for without reaching past their container (locking memory, raising their own priority).
 * The others (SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE, DAC_READ_SEARCH...) weaken the
 * isolation from the host and are refused.
 */
export const ADDABLE_CAPS: readonly string[] = [...DOCKER_DEFAULT_CAPS, "IPC_LOCK", "SYS_NICE"];

/** "CAP_CHOWN" and "chown" both name CHOWN, as Docker reads them. */
export const capabilityName = (value: string): string => value.toUpperCase().replace(/^CAP_/, "");

const capability = (allowed: readonly string[], what: string) =>
  Joi.string().custom((value: string, helpers) => {
    const name = capabilityName(value);
    if (allowed.includes(name)) return name;
    return helpers.message({ custom: `${value}: ${what}; allowed: ${allowed.join(", ")}` });
  });

/** `test.services[].capAdd` / `capDrop`. */
export const serviceCapabilities = {
  capAdd: Joi.array()
    .items(
      capability(ADDABLE_CAPS, "not allowed for a test service (it weakens the host's isolation)"),
    )
    .default([]),
  capDrop: Joi.array()
    .items(capability(["ALL", ...DOCKER_DEFAULT_CAPS], "not one of Docker's default capabilities"))
    .default([]),
};

const absolutePath = Joi.string()
  .pattern(/^\/[^:,]*$/)
  .invalid("/")
  .messages({
    "string.pattern.base": "must be an absolute path such as /run",
    "any.invalid": "cannot be /",
  });

/** Settings that apply to every container of a test: runtime, read-only root, user. */
export const testLockdown = {
  runtime: Joi.string()
    .pattern(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/)
    .messages({ "string.pattern.base": "must be a runtime name such as runsc" }),
  readOnly: Joi.boolean().default(false),
  tmpfs: Joi.array()
    .items(
      Joi.alternatives(
        absolutePath,
        Joi.object({ path: absolutePath.required(), size: size("64m") }),
      ).messages({ "alternatives.match": 'must be a path such as "/run", or a path and a size' }),
    )
    .default([]),
  user: Joi.string()
    .pattern(/^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/)
    .messages({ "string.pattern.base": 'must be user[:group], such as "65534:65534"' }),
};

const PROXY_NAMES = ["loopback", "linklocal", "uniquelocal"];

/** An address, a CIDR range or one of Express's names, as `trust proxy` reads them. */
const isProxyAddress = (text: string): boolean => {
  const entry = text.trim();
  if (PROXY_NAMES.includes(entry)) return true;
  const [address = "", prefix] = entry.split("/");
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  const max = family === 4 ? 32 : 128;
  return (/^\d+$/.test(prefix) && Number(prefix) <= max) || (family === 4 && isIP(prefix) === 4);
};

const proxyList = Joi.string().custom((value: string, helpers) =>
  value.split(",").every(isProxyAddress)
    ? value
    : helpers.message({
        custom:
          "must be proxy addresses or ranges (10.0.0.0/8), or loopback, linklocal, uniquelocal",
      }),
);

/**
 * `trustProxy`: whose X-Forwarded-For is believed for the client's address. false (default):
 * none, the connection's address counts; true: any; a number: that many proxies in front;
 * addresses, ranges or names: those proxies.
 */
export const trustProxy = Joi.alternatives(
  Joi.boolean(),
  Joi.number().integer().min(1).max(16),
  proxyList,
  Joi.array().items(proxyList).min(1),
)
  .default(false)
  .messages({
    "alternatives.match": "must be true, false, a number of proxies, or proxy addresses",
  });

/** `docker.tls`: files of the CA, and of the client certificate and key the engine asks for. */
export const dockerTls = Joi.object({
  ca: Joi.string(),
  cert: Joi.string(),
  key: Joi.string(),
})
  .and("cert", "key")
  .or("ca", "cert")
  .messages({
    "object.and": "cert and key go together (the client certificate and its key)",
    "object.missing": "needs ca, or cert and key, or all three",
  });
