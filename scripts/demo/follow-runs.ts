/** A run as GET /api/runs shows it, the parts the demo prints. */
interface RunView {
  id: string;
  state: string;
  reason: string | null;
  image: string;
  createdAt: string;
  finishedAt: string | null;
  steps: Record<string, { ms?: number }>;
}

const FINAL = new Set(["passed", "failed", "errored", "cancelled", "superseded"]);
/** Lines of a finished run's output the demo prints. */
const OUTPUT_LINES = 6;

export interface FollowRuns {
  /** The runs seen so far, by id, with their latest state. */
  readonly runs: ReadonlyMap<string, RunView>;
  /** Looks at the runs once, printing each new run and each state change. */
  poll(): Promise<void>;
}

/**
 * Follows pushgate's runs through its API (`GET /api/runs`), as any client can: prints each
 * run's state changes, and once it ends, its verdict and the first lines of its output.
 */
export function followRuns(
  url: string,
  apiToken: string,
  print: (line: string) => void,
): FollowRuns {
  const runs = new Map<string, RunView>();
  const headers = { Authorization: `Bearer ${apiToken}` };

  const printOutput = async (run: RunView): Promise<void> => {
    const response = await fetch(`${url}/api/runs/${run.id}/log`, { headers });
    const lines = (await response.text()).split("\n").filter((line) => line !== "");
    for (const line of lines.slice(0, OUTPUT_LINES)) print(`      | ${line}`);
    if (lines.length > OUTPUT_LINES) print(`      | … ${lines.length - OUTPUT_LINES} more lines`);
  };

  const poll = async (): Promise<void> => {
    const response = await fetch(`${url}/api/runs?limit=50`, { headers });
    if (!response.ok) throw new Error(`GET /api/runs answered ${response.status}`);
    const { runs: listed } = (await response.json()) as { runs: RunView[] };
    for (const run of listed.reverse()) {
      const seen = runs.get(run.id);
      if (seen?.state === run.state) continue;
      runs.set(run.id, run);
      const seconds = run.finishedAt
        ? ` in ${secondsOf(Date.parse(run.finishedAt) - Date.parse(run.createdAt))} (${stepsOf(run)})`
        : "";
      const why = run.reason && FINAL.has(run.state) ? `: ${run.reason}` : "";
      print(`  ${run.image.padEnd(44)} ${run.state}${why}${seconds}`);
      if (FINAL.has(run.state)) await printOutput(run);
    }
  };

  return { runs, poll };
}

const secondsOf = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** "pull 0.1 s, test 0.4 s": how long each step of the run took. */
function stepsOf(run: RunView): string {
  return Object.entries(run.steps)
    .filter(([, step]) => step.ms !== undefined)
    .map(([name, step]) => `${name} ${secondsOf(step.ms ?? 0)}`)
    .join(", ");
}

export function isFinal(state: string): boolean {
  return FINAL.has(state);
}
