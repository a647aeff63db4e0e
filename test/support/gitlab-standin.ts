import {
  createForgeBook,
  type ForgeStandin,
  type ForgeStandinOptions,
  type RecordedStatus,
} from "./forge-book.js";
import { bearerOf, startStandinServer, type StandinRequest } from "./standin-server.js";

const STATES = ["pending", "running", "success", "failed", "canceled", "skipped"];
/** The state machine event GitLab runs for each state it is sent. */
const EVENT: Record<string, string> = {
  pending: "enqueue",
  running: "run",
  success: "success",
  failed: "drop",
  canceled: "cancel",
  skipped: "skip",
};
const ACTIVE = ["pending", "running"];

/**
 * GitLab's "Set the pipeline status of a commit" as its API documentation describes it:
 * `POST /api/v4/projects/:id/statuses/:sha`, :id the project's number or URL-encoded path,
 * with `PRIVATE-TOKEN` (or `Authorization: Bearer`); JSON or form fields `state`, `name` (or
 * `context`, default "default"), `target_url`, `description` (each at most 255). Errors:
 * 401 `{"message":"401 Unauthorized"}`, 404 "404 Project Not Found" and "404 Commit Not
 * Found", 400 `{"error":"state does not have a valid value"}`, 400 with the field's errors
 * as `message` for a description too long. A commit's status per name is a job with a state
 * machine: the one still pending or running is moved, and sending the state it is already in
 * fails with 400 "Cannot transition status via :run from :running (...)"; a finished one is
 * left as it is and a new job is made. 201 with the status.
 */
export async function startGitlabStandin(options: ForgeStandinOptions): Promise<ForgeStandin> {
  const book = createForgeBook(options);
  /** Projects by number, as GitLab also names them. */
  const paths = Object.keys(options.repositories);
  const jobs = new Map<string, RecordedStatus[]>();
  let nextId = 1;

  const handle = (request: StandinRequest) => {
    const route = /^\/api\/v4\/projects\/([^/]+)\/statuses\/([^/]+)$/.exec(request.path);
    if (!route || request.method !== "POST")
      return { status: 404, body: { error: "404 Not Found" } };
    const token = request.headers["private-token"] ?? bearerOf(request, ["bearer"]);
    if (typeof token !== "string" || !book.tokenValid(token)) {
      return { status: 401, body: { message: "401 Unauthorized" } };
    }
    const id = decodeURIComponent(route[1] ?? "");
    const sha = decodeURIComponent(route[2] ?? "");
    const project = /^\d+$/.test(id) ? paths[Number(id) - 1] : id;
    if (!project || !book.hasRepository(project)) {
      return { status: 404, body: { message: "404 Project Not Found" } };
    }
    const fields =
      (request.json as Record<string, unknown> | undefined) ??
      Object.fromEntries(new URLSearchParams(request.body));
    const state = typeof fields.state === "string" ? fields.state : "";
    if (!STATES.includes(state))
      return { status: 400, body: { error: "state does not have a valid value" } };
    for (const field of ["description", "target_url"]) {
      const value = fields[field];
      if (typeof value === "string" && value.length > 255) {
        return {
          status: 400,
          body: { message: { [field]: ["is too long (maximum is 255 characters)"] } },
        };
      }
    }
    if (!book.hasCommit(project, sha))
      return { status: 404, body: { message: "404 Commit Not Found" } };
    const name =
      [fields.name, fields.context].find((v): v is string => typeof v === "string") ?? "default";
    const key = `${project.toLowerCase()}@${sha}`;
    const list = jobs.get(key) ?? [];
    const active = [...list].reverse().find((s) => s.context === name && ACTIVE.includes(s.state));
    if (active?.state === state) {
      const event = EVENT[state] ?? state;
      return {
        status: 400,
        body: {
          message: `Cannot transition status via :${event} from :${state} (Reason(s): Status cannot transition via "${event}")`,
        },
      };
    }
    const description = typeof fields.description === "string" ? fields.description : null;
    const targetUrl = typeof fields.target_url === "string" ? fields.target_url : null;
    const status: RecordedStatus = {
      state,
      context: name,
      description,
      target_url: targetUrl,
      at: Date.now(),
    };
    if (active) Object.assign(active, status);
    else list.push(status);
    jobs.set(key, list);
    // The commit's page lists every status sent, in order.
    book.record(project, sha, { ...status });
    const now = new Date(status.at).toISOString();
    return {
      status: 201,
      body: {
        id: nextId++,
        sha,
        ref: null,
        status: state,
        name,
        target_url: targetUrl,
        description,
        created_at: now,
        started_at: state === "running" ? now : null,
        finished_at: ACTIVE.includes(state) ? null : now,
        allow_failure: false,
        coverage: null,
        author: { id: 1, username: "pushgate-bot", name: "pushgate", state: "active" },
      },
    };
  };
  const server = await startStandinServer(handle);
  return {
    ...server,
    statusesOf: book.statusesOf,
    setTokenValid: book.setTokenValid,
  };
}
