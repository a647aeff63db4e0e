import { RUN_STATES, type RunState } from "../../pipeline/run-states.js";
import type { RunRecord } from "../../store/run-store.js";
import { runRow, type RunRow } from "./run-row.js";

/** The runs page's filters and cursor, as they are in its URL. */
export interface RunsQuery {
  pipeline?: string;
  repository?: string;
  state?: RunState;
  /** Runs older than this run id: the next page. */
  before?: string;
}

export interface RunsPage {
  rows: RunRow[];
  /** The filters as the form shows them ("" for none). */
  filter: { pipeline: string; repository: string; state: string };
  filtered: boolean;
  pipelines: string[];
  states: readonly RunState[];
  /** The next page's URL, when there are older runs. */
  olderHref: string | null;
  /** Back to the newest runs, on a later page. */
  newestHref: string | null;
  /** Where the live rows are read from: the same filters and page, as a fragment. */
  rowsHref: string;
  /** Some row is unfinished: the rows are refreshed while the page is open. */
  live: boolean;
}

/**
 * The runs page from the runs read for it (newest first, up to one more than `pageSize`,
 * which tells whether there is an older page).
 */
export function runsPageModel(input: {
  runs: readonly RunRecord[];
  query: RunsQuery;
  pageSize: number;
  pipelines: readonly string[];
  now: Date;
}): RunsPage {
  const { query, pageSize } = input;
  const shown = input.runs.slice(0, pageSize);
  const rows = shown.map((run) => runRow(run, input.now));
  const filters = { pipeline: query.pipeline, repository: query.repository, state: query.state };
  const last = shown.at(-1);
  return {
    rows,
    filter: {
      pipeline: query.pipeline ?? "",
      repository: query.repository ?? "",
      state: query.state ?? "",
    },
    filtered: Object.values(filters).some((value) => value !== undefined),
    pipelines: [...input.pipelines],
    states: RUN_STATES,
    olderHref:
      input.runs.length > pageSize && last
        ? hrefOf("/runs", { ...filters, before: last.id })
        : null,
    newestHref: query.before !== undefined ? hrefOf("/runs", filters) : null,
    rowsHref: hrefOf("/runs/rows", { ...filters, before: query.before }),
    live: rows.some((row) => row.unfinished),
  };
}

/** A path with the given parameters (those set) as its query. */
export function hrefOf(path: string, params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") search.set(key, value);
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}
