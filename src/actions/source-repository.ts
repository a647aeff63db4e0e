import type { StatusProvider } from "../config/config.js";

/** Where a source URL points: its host name and repository path. */
export interface SourceLocation {
  /** Lower case, without "www." or a port. */
  host: string;
  /** "acme/web", "group/subgroup/web": without ".git", slashes at either end or "/-/..." */
  path: string;
}

const hostName = (host: string): string =>
  host
    .toLowerCase()
    .replace(/:\d+$/, "")
    .replace(/^www\./, "");

/**
 * Reads a source label's URL the ways images write it: https://github.com/acme/web(.git),
 * ssh://git@host:22/acme/web.git, git@github.com:acme/web.git, git://host/acme/web, or
 * github.com/acme/web. Undefined for anything that names no host and path.
 */
export function parseSourceUrl(url: string): SourceLocation | undefined {
  const text = url.trim();
  let host: string;
  let path: string;
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\d+(?:\/|$))([^\s]+)$/.exec(text);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      const parsed = new URL(text);
      host = parsed.host;
      path = decodeURIComponent(parsed.pathname);
    } catch {
      return undefined;
    }
  } else if (scp && !text.includes("://")) {
    host = scp[1] ?? "";
    path = scp[2] ?? "";
  } else {
    const [first = "", ...rest] = text.split("/");
    if (!first.includes(".") || rest.length === 0) return undefined;
    host = first;
    path = rest.join("/");
  }
  const clean = path
    .replace(/\/-\/.*$/, "")
    .replace(/^\/+|\/+$/g, "")
    .replace(/\.git$/, "");
  if (!host || !clean.includes("/")) return undefined;
  return { host: hostName(host), path: clean };
}

/**
 * The host name a provider's repositories live on, from its API URL: github.com for
 * https://api.github.com, HOST for GitHub Enterprise's https://HOST/api/v3, the site's host
 * for GitLab and Gitea.
 */
export function providerHostOf(provider: StatusProvider, apiUrl: string): string {
  const host = hostName(new URL(apiUrl).host);
  return provider === "github" && host === "api.github.com" ? "github.com" : host;
}

/**
 * The repository a status goes to on `provider`, from a source location: GitHub and Gitea
 * name repositories owner/name (anything after, such as /tree/main, is not part of it);
 * GitLab's path is the whole path, groups and subgroups included.
 */
export function repositoryOn(provider: StatusProvider, location: SourceLocation): string {
  return provider === "gitlab" ? location.path : location.path.split("/").slice(0, 2).join("/");
}
