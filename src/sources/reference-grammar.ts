/**
 * Docker's image reference grammar (distribution/reference), so that nothing past intake
 * ever sees a name such as "../x", "a;rm -rf" or upper case.
 */

const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
const REPOSITORY = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const REGISTRY_HOST = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]{1,5})?$`,
);

/** Longest repository name a registry accepts (distribution's NameTotalLengthMax). */
export const MAX_REPOSITORY_LENGTH = 255;

export function isValidRepository(name: string): boolean {
  return name.length > 0 && name.length <= MAX_REPOSITORY_LENGTH && REPOSITORY.test(name);
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

export function isValidDigest(digest: string): boolean {
  if (digest.startsWith("sha256:")) return SHA256_DIGEST.test(digest);
  return digest.length <= 255 && DIGEST.test(digest);
}

export function isValidRegistryHost(host: string): boolean {
  if (host.length > 255 || !REGISTRY_HOST.test(host)) return false;
  const port = /:([0-9]+)$/.exec(host)?.[1];
  return port === undefined || Number(port) <= 65535;
}
