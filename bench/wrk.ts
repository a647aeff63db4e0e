import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers outside 2xx/3xx plus socket errors: must be 0 for a fair figure. */
  errors: number;
}

/**
 * A wrk script that POSTs a Docker Hub push with a tag no other request used, so every
 * request is a distinct delivery (nothing can be deduplicated away).
 */
function luaScript(repository: string, nonce: string): string {
  return `
local counter = 0
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end
request = function()
  counter = counter + 1
  local body = string.format('{"push_data":{"tag":"${nonce}-%d-%d","pushed_at":1700000000,"pusher":"bench"},"repository":{"repo_name":"${repository}"}}', id, counter)
  return wrk.format(nil, nil, nil, body)
end
`;
}

function toMs(value: string, unit: string): number {
  const factor = unit === "us" ? 0.001 : unit === "ms" ? 1 : unit === "s" ? 1000 : Number.NaN;
  return Number(value) * factor;
}

/** Loads `url` with wrk (2 threads, `connections` connections) for `seconds` and parses its report. */
export async function loadWithWrk(options: {
  url: string;
  dir: string;
  repository: string;
  connections: number;
  seconds: number;
}): Promise<LoadResult> {
  const script = join(options.dir, "push.lua");
  writeFileSync(script, luaScript(options.repository, `b${Date.now().toString(36)}`));
  const { stdout } = await run(
    "wrk",
    [
      "-t2",
      `-c${options.connections}`,
      `-d${options.seconds}s`,
      "--latency",
      "-s",
      script,
      options.url,
    ],
    { timeout: (options.seconds + 30) * 1000 },
  );
  const latency = (pct: string): number => {
    const match = new RegExp(`^\\s*${pct}%\\s+([\\d.]+)(us|ms|s)\\s*$`, "m").exec(stdout);
    return match ? toMs(match[1] ?? "", match[2] ?? "") : Number.NaN;
  };
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? Number.NaN);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    stdout,
  );
  const socket = socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return {
    requests,
    requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? Number.NaN),
    p50Ms: latency("50"),
    p99Ms: latency("99"),
    errors: non2xx + socket,
  };
}
