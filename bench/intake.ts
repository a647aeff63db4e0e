/**
 * Intake throughput: pushgate (token check, validation, durable SQLite record, pipeline
 * match) against adnanh/webhook (Debian's `webhook`: token check in the query, runs
 * /bin/true with the repository and tag as arguments), same payload, same load.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { freePort } from "../test/support/ports.js";
import { answers, rssMiB, startProcess } from "./processes.js";
import { loadWithWrk, type LoadResult } from "./wrk.js";

const TOKEN = "bench-webhook-token";
const REPOSITORY = "bench/app";
const CONNECTIONS = 16;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 2;

export interface IntakeFigures {
  webhook: LoadResult;
  pushgate: LoadResult;
  pushgateRecorded: number;
  rssIdleMiB: number;
  rssLoadedMiB: number;
  rssPeakMiB: number;
}

async function benchWebhook(dir: string): Promise<LoadResult> {
  const port = await freePort();
  const hooks = [
    {
      id: "dockerhub",
      "execute-command": "/bin/true",
      // A request that fails the token rule would get 200 by default and never run the
      // command; 403 makes it count as an error in the figures instead.
      "trigger-rule-mismatch-http-response-code": 403,
      "pass-arguments-to-command": [
        { source: "payload", name: "repository.repo_name" },
        { source: "payload", name: "push_data.tag" },
      ],
      "trigger-rule": {
        match: { type: "value", value: TOKEN, parameter: { source: "url", name: "token" } },
      },
    },
  ];
  writeFileSync(join(dir, "hooks.json"), JSON.stringify(hooks));
  const base = `http://127.0.0.1:${port}`;
  const webhook = await startProcess(
    "webhook",
    ["-hooks", join(dir, "hooks.json"), "-ip", "127.0.0.1", "-port", String(port)],
    { ready: () => answers(`${base}/`) },
  );
  try {
    const url = `${base}/hooks/dockerhub?token=${TOKEN}`;
    await loadWithWrk({
      url,
      dir,
      repository: REPOSITORY,
      connections: CONNECTIONS,
      seconds: WARMUP_SECONDS,
    });
    return await loadWithWrk({
      url,
      dir,
      repository: REPOSITORY,
      connections: CONNECTIONS,
      seconds: SECONDS,
    });
  } finally {
    await webhook.stop();
  }
}

async function benchPushgate(dir: string): Promise<Omit<IntakeFigures, "webhook">> {
  const port = await freePort();
  const dbPath = join(dir, "pushgate.db");
  writeFileSync(
    join(dir, "pushgate.yml"),
    `listen: { host: 127.0.0.1, port: ${port} }
store: { path: ${JSON.stringify(dbPath)} }
auth: { webhookTokens: [${TOKEN}], apiToken: bench-api-token }
log: { level: warn }
# The queue is paused while loading: room for every push the load sends.
limits: { backlog: 10000000 }
pipelines:
  - name: bench
    match: { repository: "bench/*" }
`,
  );
  const base = `http://127.0.0.1:${port}`;
  const pushgate = await startProcess(process.execPath, startArguments(), {
    env: { ...process.env, PUSHGATE_CONFIG: join(dir, "pushgate.yml") },
    ready: () => answers(`${base}/healthz`),
  });
  try {
    // Tests wait: the benchmark measures intake, not the engine pulling what it queued.
    const paused = await fetch(`${base}/api/queue/pause`, {
      method: "POST",
      headers: { authorization: "Bearer bench-api-token" },
    });
    if (!paused.ok) throw new Error(`pausing the queue answered ${paused.status}`);
    await new Promise((r) => setTimeout(r, 1000));
    const rssIdleMiB = rssMiB(pushgate.child.pid);
    const url = `${base}/dockerhub-webhook/${TOKEN}/notify`;
    const warm = await loadWithWrk({
      url,
      dir,
      repository: REPOSITORY,
      connections: CONNECTIONS,
      seconds: WARMUP_SECONDS,
    });
    const result = await loadWithWrk({
      url,
      dir,
      repository: REPOSITORY,
      connections: CONNECTIONS,
      seconds: SECONDS,
    });
    const rssLoadedMiB = rssMiB(pushgate.child.pid);
    const rssPeakMiB = rssMiB(pushgate.child.pid, "VmHWM");
    const db = new Database(dbPath, { readonly: true });
    const recorded = (db.prepare("SELECT count(*) AS n FROM runs").get() as { n: number }).n;
    db.close();
    return {
      pushgate: result,
      pushgateRecorded: recorded - (warm.requests - warm.errors),
      rssIdleMiB,
      rssLoadedMiB,
      rssPeakMiB,
    };
  } finally {
    await pushgate.stop();
  }
}

/** pushgate started as `npm start` starts it (same V8 memory flags), without the build step. */
export function startArguments(): string[] {
  const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: { start: string } };
  // `exec node ...`: npm's shell gives way to node, so a signal to npm reaches pushgate.
  const [command, ...args] = pkg.scripts.start.replace(/^exec\s+/, "").split(/\s+/);
  if (command !== "node") throw new Error(`npm start does not run node: ${pkg.scripts.start}`);
  return args;
}

export async function benchIntake(): Promise<IntakeFigures> {
  const dir = mkdtempSync(join(tmpdir(), "pushgate-bench-intake-"));
  const webhook = await benchWebhook(dir);
  const rest = await benchPushgate(dir);
  return { webhook, ...rest };
}
