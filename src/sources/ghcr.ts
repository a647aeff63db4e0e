import Joi from "joi";
import { digestValue, tagName } from "./joi-reference-rules.js";
import { PayloadError } from "./payload-error.js";
import { isValidRegistryHost, isValidRepository } from "./reference-grammar.js";
import type { ParseSource } from "./source.js";
import { splitImageName, type ImageLocation } from "./split-image-name.js";
import { validatePayload } from "./validate-payload.js";

interface GithubPackage {
  name: string;
  namespace?: string;
  ecosystem?: string;
  package_type?: string;
  package_version?: {
    package_url?: string;
    container_metadata?: { tag?: { name?: string; digest?: string } };
  };
}

/** The payload key of each GitHub event that announces a package version. */
const PACKAGE_KEYS: Record<string, "package" | "registry_package"> = {
  package: "package",
  package_v2: "package",
  registry_package: "registry_package",
};

/** `published`/`updated` as documented; `create` as captured from the older package_v2 event. */
const PUSH_ACTIONS = new Set(["published", "updated", "create", "created"]);

const packageShape = Joi.object<GithubPackage>({
  name: Joi.string().required(),
  namespace: Joi.string().allow(""),
  ecosystem: Joi.string().allow(""),
  package_type: Joi.string().allow(""),
  package_version: Joi.object({
    package_url: Joi.string().allow("").max(1024),
    container_metadata: Joi.object({
      tag: Joi.object({ name: Joi.string().allow(""), digest: Joi.string().allow("") }),
    }).allow(null),
  }),
}).required();

interface GithubPayload {
  action: string;
  sender?: { login?: string };
  package?: GithubPackage;
  registry_package?: GithubPackage;
}

const payloadShape = (key: string) =>
  Joi.object<GithubPayload>({
    action: Joi.string().required(),
    [key]: packageShape,
    sender: Joi.object({ login: Joi.string().max(255) }),
  }).required();

const tagShape = Joi.object<{ name: string; digest?: string }>({
  name: tagName.required(),
  digest: digestValue.allow(""),
});

/**
 * GitHub's `package` / `registry_package` webhook for the GitHub Container Registry. The
 * signature was checked on the raw body before this runs. A published (or updated) container
 * version with a tag (`package_version.container_metadata.tag.name`) is a push; untagged
 * versions (the children of a multi-arch image), other packages, other actions and `ping`
 * are ignored.
 */
export const parseGhcr: ParseSource = ({ headers, body }) => {
  const kind = headers["x-github-event"];
  if (kind === undefined) {
    throw new PayloadError([{ path: "X-GitHub-Event", message: "header required" }]);
  }
  if (kind === "ping") return { events: [], ignored: ["github ping"] };
  const key = PACKAGE_KEYS[kind];
  if (key === undefined) return { events: [], ignored: [`github event ${kind}`] };

  const payload = validatePayload(payloadShape(key), body);
  const pkg = payload[key];
  if (pkg === undefined) throw new PayloadError([{ path: key, message: "required" }]);
  if (!PUSH_ACTIONS.has(payload.action)) {
    return { events: [], ignored: [`${kind} ${payload.action}`] };
  }
  const type = `${pkg.ecosystem ?? ""} ${pkg.package_type ?? ""}`.toLowerCase();
  if (!/\b(?:container|docker)\b/.test(type)) {
    return { events: [], ignored: [`${key} ${pkg.name} is not a container package`] };
  }
  const tagPath = [key, "package_version", "container_metadata", "tag"];
  const rawTag = pkg.package_version?.container_metadata?.tag;
  if (!rawTag?.name) {
    return { events: [], ignored: [`${key} ${pkg.name}: untagged version`] };
  }
  const tag = validatePayload(tagShape, rawTag, tagPath);
  const location = locate(pkg, key);
  return {
    events: [
      {
        source: "ghcr",
        ...location,
        tag: tag.name,
        ...(tag.digest ? { digest: tag.digest } : {}),
        pushedAt: new Date(),
        ...(payload.sender?.login ? { pusher: payload.sender.login } : {}),
      },
    ],
    ignored: [],
  };
};

/** ghcr.io/<owner>/<name>, from package_url when GitHub sends it; names are lower case. */
function locate(pkg: GithubPackage, key: string): ImageLocation {
  const url = pkg.package_version?.package_url;
  const name = url
    ? url.toLowerCase()
    : `ghcr.io/${pkg.namespace ?? ""}/${pkg.name}`.toLowerCase().replace(/\/+/g, "/");
  const location = splitImageName(name);
  if (
    location &&
    isValidRegistryHost(location.registry) &&
    isValidRepository(location.repository)
  ) {
    return location;
  }
  throw new PayloadError([
    {
      path: url ? `${key}.package_version.package_url` : `${key}.name`,
      message: "must name a container image such as ghcr.io/owner/name",
    },
  ]);
}
