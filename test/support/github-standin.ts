import {
  createForgeBook,
  type ForgeStandin,
  type ForgeStandinOptions,
  type RecordedStatus,
} from "./forge-book.js";
import { bearerOf, startStandinServer, type StandinRequest } from "./standin-server.js";

export type { ForgeStandin, RecordedStatus } from "./forge-book.js";

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
  const book = createForgeBook(options);
  const error = (status: number, message: string, documentation_url = DOCS) => ({
    status,
    body: { message, documentation_url, status: String(status) },
  });
  let nextId = 1;
  let base = "";

  const handle = (request: StandinRequest) => {
    const route = /^(?:\/api\/v3)?\/repos\/([^/]+)\/([^/]+)\/statuses\/([^/]+)$/.exec(request.path);
    if (!route || request.method !== "POST") {
      return error(404, "Not Found", "https://docs.github.com/rest");
    }
    const token = bearerOf(request, ["bearer", "token"]);
    if (token === undefined) return error(401, "Requires authentication");
    if (!book.tokenValid(token))
      return error(401, "Bad credentials", "https://docs.github.com/rest");
    const [owner = "", repo = "", sha = ""] = route.slice(1).map(decodeURIComponent);
    const name = `${owner}/${repo}`;
    if (!book.hasRepository(name)) return error(404, "Not Found");
    const body = request.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== "object") return error(400, "Problems parsing JSON");
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
    if (!book.hasCommit(name, sha)) return error(422, `No commit found for SHA: ${sha}`);
    const status: RecordedStatus = {
      state: String(body.state),
      context: typeof body.context === "string" ? body.context : "default",
      description,
      target_url: typeof body.target_url === "string" ? body.target_url : null,
      at: Date.now(),
    };
    book.record(name, sha, status);
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
    statusesOf: book.statusesOf,
    setTokenValid: book.setTokenValid,
  };
}
