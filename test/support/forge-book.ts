import type { StandinServer } from "./standin-server.js";

/** A status as the provider keeps it for a commit. */
export interface RecordedStatus {
  state: string;
  context: string;
  description: string | null;
  target_url: string | null;
  /** Milliseconds since the epoch, when it was set. */
  at: number;
}

export interface ForgeStandinOptions {
  /** Accepted tokens. */
  tokens: string[];
  /** "owner/name" → the commit SHAs it holds. */
  repositories: Record<string, string[]>;
}

export interface ForgeStandin extends StandinServer {
  /** Statuses set on `sha` of `repository` ("owner/name"), oldest first. */
  statusesOf(repository: string, sha: string): RecordedStatus[];
  /** Revokes a token (it then gets 401) or lets it in again. */
  setTokenValid(token: string, valid: boolean): void;
}

/**
 * What a code host stand-in knows: its tokens, its repositories (names compared
 * case-insensitively) with their commits, and every status set, in order.
 */
export function createForgeBook(options: ForgeStandinOptions) {
  const tokens = new Set(options.tokens);
  const repositories = new Map(
    Object.entries(options.repositories).map(([name, shas]) => [name.toLowerCase(), new Set(shas)]),
  );
  const statuses = new Map<string, RecordedStatus[]>();
  const key = (repository: string, sha: string) => `${repository.toLowerCase()}@${sha}`;
  return {
    tokenValid: (token: string | undefined) => token !== undefined && tokens.has(token),
    hasRepository: (repository: string) => repositories.has(repository.toLowerCase()),
    hasCommit: (repository: string, sha: string) =>
      repositories.get(repository.toLowerCase())?.has(sha) ?? false,
    record: (repository: string, sha: string, status: RecordedStatus) => {
      statuses.set(key(repository, sha), [...(statuses.get(key(repository, sha)) ?? []), status]);
    },
    statusesOf: (repository: string, sha: string) => statuses.get(key(repository, sha)) ?? [],
    setTokenValid: (token: string, valid: boolean) => {
      if (valid) tokens.add(token);
      else tokens.delete(token);
    },
  };
}
