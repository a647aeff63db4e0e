import {
  bearerOf,
  startStandinServer,
  type StandinRequest,
  type StandinServer,
} from "./standin-server.js";

/** A status as the provider keeps it for a commit. */
export interface RecordedStatus {
  state: string;
  context: string;
  description: string | null;
  target_url: string | null;
  /** Milliseconds since the epoch, when it was set. */
  at: number;
}

export interface ForgeStandin extends StandinServer {
  /** Statuses set on `sha` of `repository` ("owner/name"), oldest first. */
  statusesOf(repository: string, sha: string): RecordedStatus[];
  /** Revokes a token (it then gets 401) or lets it in again. */
  setTokenValid(token: string, valid: boolean): void;
}

export interface ForgeStandinOptions {
  /** Accepted tokens. */
  tokens: string[];
  /** "owner/name" → the commit SHAs it holds. */
  repositories: Record<string, string[]>;
}

const DOCS = "https://docs.github.com/rest/commits/statuses#create-a-commit-status";
const STATES = ["error", "failure", "pending", "success"];

/**
 * GitHub's "Create a commit status" as its REST documentation describes it, served from the
 * root (api.github.com) and under /api/v3 (GitHub Enterprise): `POST /repos/{owner}/{repo}/
 * statuses/{sha}` with `Authorization: Bearer <token>` (or `token <token>`); 401 "Requires
 * authentication" without one and "Bad credentials" for a wrong one; 404 "Not Found" for a
 * repository it does not hold (owner and name compare case-insensitively); 400 "Problems
 * parsing JSON"; 422 "Validation Failed" with `errors[]` for a state outside the four or a
 * description past 140 characters, and "No commit found for SHA: x" for an unknown commit;
 * 201 with the Status object and a Location header. Errors carry documentation_url.
 */
export async function startGithubStandin(options: ForgeStandinOptions): Promise<ForgeStandin> {
  const tokens = new Set(options.tokens);
  const repositories = new Map(
    Object.entries(options.repositories).map(([name, shas]) => [name.toLowerCase(), new Set(shas)]),
  );
  const statuses = new Map<string, RecordedStatus[]>();
  let nextId = 1;
  let base = "";

  const handle = (request: StandinRequest) => {
    const route = /^(?:\/api\/v3)?\/repos\/([^/]+)\/([^/]+)\/statuses\/([^/]+)$/.exec(request.path);
    if (!route || request.method !== "POST") {
      return {
        status: 404,
        body: {
          message: "Not Found",
          documentation_url: "https://docs.github.com/rest",
          status: "404",
        },
      };
    }
    const token = bearerOf(request, ["bearer", "token"]);
    if (token === undefined) {
      return {
        status: 401,
        body: { message: "Requires authentication", documentation_url: DOCS, status: "401" },
      };
    }
    if (!tokens.has(token)) {
      return {
        status: 401,
        body: {
          message: "Bad credentials",
          documentation_url: "https://docs.github.com/rest",
          status: "401",
        },
      };
    }
    const [owner = "", repo = "", sha = ""] = route.slice(1).map(decodeURIComponent);
    const name = `${owner}/${repo}`.toLowerCase();
    const shas = repositories.get(name);
    if (!shas)
      return {
        status: 404,
        body: { message: "Not Found", documentation_url: DOCS, status: "404" },
      };
    const body = request.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== "object") {
      return {
        status: 400,
        body: { message: "Problems parsing JSON", documentation_url: DOCS, status: "400" },
      };
    }
    const invalid = (field: string, message: string) => ({
      status: 422,
      body: {
        message: "Validation Failed",
        errors: [{ resource: "Status", code: "custom", field, message }],
        documentation_url: DOCS,
        status: "422",
      },
    });
    if (!STATES.includes(String(body.state)))
      return invalid("state", "state is not included in the list");
    const description = typeof body.description === "string" ? body.description : null;
    if (description && [...description].length > 140) {
      return invalid("description", "description is too long (maximum is 140 characters)");
    }
    if (!shas.has(sha)) {
      return {
        status: 422,
        body: {
          message: `No commit found for SHA: ${sha}`,
          documentation_url: DOCS,
          status: "422",
        },
      };
    }
    const status: RecordedStatus = {
      state: String(body.state),
      context: typeof body.context === "string" ? body.context : "default",
      description,
      target_url: typeof body.target_url === "string" ? body.target_url : null,
      at: Date.now(),
    };
    const key = `${name}@${sha}`;
    statuses.set(key, [...(statuses.get(key) ?? []), status]);
    const id = nextId++;
    const url = `${base}/repos/${owner}/${repo}/statuses/${sha}`;
    const now = new Date(status.at).toISOString();
    return {
      status: 201,
      headers: { location: url },
      body: {
        url,
        avatar_url: null,
        id,
        node_id: `SC_${id}`,
        state: status.state,
        description: status.description,
        target_url: status.target_url,
        context: status.context,
        created_at: now,
        updated_at: now,
        creator: { login: "pushgate-bot", id: 1, type: "User", site_admin: false },
      },
    };
  };

  const server = await startStandinServer(handle);
  base = server.url;
  return {
    ...server,
    statusesOf: (repository, sha) => statuses.get(`${repository.toLowerCase()}@${sha}`) ?? [],
    setTokenValid: (token, valid) => (valid ? tokens.add(token) : tokens.delete(token)),
  };
}
