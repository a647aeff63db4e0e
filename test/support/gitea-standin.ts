import {
  createForgeBook,
  type ForgeStandin,
  type ForgeStandinOptions,
  type RecordedStatus,
} from "./forge-book.js";
import { bearerOf, startStandinServer, type StandinRequest } from "./standin-server.js";

const STATES = ["pending", "success", "error", "failure", "warning"];

/**
 * Gitea's (and Forgejo's) "Create a commit status" as its API documentation describes it:
 * `POST /api/v1/repos/{owner}/{repo}/statuses/{sha}` with `Authorization: token <token>`
 * (or `Bearer`, or `?token=`), a CreateStatusOption body (`state`: pending, success, error,
 * failure, warning; `target_url`, `description`, `context`). Errors are APIError JSON,
 * `{"message": ..., "url": <the instance's /api/swagger>}`: 401 "token is required" without
 * a token and "user does not exist [uid: 0, name: ]" for a wrong one, 404 "The target
 * couldn't be found." for an unknown repository or commit, 422 for a state it does not know.
 * 201 with the CommitStatus.
 */
export async function startGiteaStandin(options: ForgeStandinOptions): Promise<ForgeStandin> {
  const book = createForgeBook(options);
  let nextId = 1;
  let base = "";
  const error = (status: number, message: string) => ({
    status,
    body: { message, url: `${base}/api/swagger` },
  });
  const notFound = () => ({
    status: 404,
    body: { errors: null, message: "The target couldn't be found.", url: `${base}/api/swagger` },
  });

  const handle = (request: StandinRequest) => {
    const route = /^\/api\/v1\/repos\/([^/]+)\/([^/]+)\/statuses\/([^/]+)$/.exec(request.path);
    if (!route || request.method !== "POST") return notFound();
    const token = bearerOf(request, ["token", "bearer"]) ?? request.query.get("token") ?? undefined;
    if (token === undefined) return error(401, "token is required");
    if (!book.tokenValid(token)) return error(401, "user does not exist [uid: 0, name: ]");
    const [owner = "", repo = "", sha = ""] = route.slice(1).map(decodeURIComponent);
    const name = `${owner}/${repo}`;
    if (!book.hasCommit(name, sha)) return notFound();
    const body = (request.json ?? {}) as Record<string, unknown>;
    const state = typeof body.state === "string" ? body.state : "";
    if (!STATES.includes(state)) return error(422, `invalid commit status state: ${state}`);
    const status: RecordedStatus = {
      state,
      context: typeof body.context === "string" ? body.context : "",
      description: typeof body.description === "string" ? body.description : null,
      target_url: typeof body.target_url === "string" ? body.target_url : null,
      at: Date.now(),
    };
    book.record(name, sha, status);
    const now = new Date(status.at).toISOString();
    return {
      status: 201,
      body: {
        id: nextId++,
        status: state,
        target_url: status.target_url,
        description: status.description,
        url: `${base}/api/v1/repos/${owner}/${repo}/statuses/${sha}`,
        context: status.context,
        creator: { id: 1, login: "pushgate-bot" },
        created_at: now,
        updated_at: now,
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
