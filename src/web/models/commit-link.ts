/** Hosts whose commit pages pushgate knows how to link: GitHub's and GitLab's. */
const FORGES: readonly { host: RegExp; path: (repo: string, rev: string) => string }[] = [
  { host: /^github\.com$/, path: (repo, rev) => `/${repo}/commit/${rev}` },
  { host: /^(gitlab\.com|gitlab\.[a-z0-9.-]+)$/, path: (repo, rev) => `/${repo}/-/commit/${rev}` },
];

/**
 * The web page of a commit, for an image's source repository URL and revision (its
 * org.opencontainers.image.source and .revision labels), when the repository is on GitHub or
 * GitLab: https, scp-like (git@github.com:acme/web.git) and ssh:// forms. Undefined for any
 * other host, or for a revision that is not a commit hash.
 */
export function commitLink(url: string, revision: string): string | undefined {
  if (!/^[0-9a-f]{7,64}$/i.test(revision)) return undefined;
  const scp = /^[\w.-]+@([\w.-]+):(.+)$/.exec(url);
  let host: string;
  let path: string;
  if (scp && !url.includes("://")) {
    host = scp[1] ?? "";
    path = scp[2] ?? "";
  } else {
    let parsed: URL;
    try {
      parsed = new URL(url.replace(/^git\+/, ""));
    } catch {
      return undefined;
    }
    if (!["https:", "http:", "ssh:", "git:"].includes(parsed.protocol)) return undefined;
    host = parsed.hostname;
    path = parsed.pathname;
  }
  const repo = path
    .replace(/^\/+/, "")
    .replace(/\.git$/, "")
    .replace(/\/+$/, "");
  if (!/^[\w.-]+(\/[\w.-]+)+$/.test(repo)) return undefined;
  const forge = FORGES.find((f) => f.host.test(host.toLowerCase()));
  return forge && `https://${host.toLowerCase()}${forge.path(repo, revision.toLowerCase())}`;
}
