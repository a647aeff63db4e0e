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
import type { BenchImage } from "./images.js";
import { answers, rssMiB, startProcess } from "./processes.js";
import { loadWithWrk, type LoadResult } from "./wrk.js";

const TOKEN = "bench-webhook-token";
const REPOSITORY = "bench/app";
const CONNECTIONS = 16;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 2;

export interface PushgateIntake {
  result: LoadResult;
  recorded: number;
  rssIdleMiB: number;
  rssLoadedMiB: number;
  rssPeakMiB: number;
}

export interface IntakeFigures {
  webhook: LoadResult;
  /** The default configuration (log level info), queue paused. */
  pushgate: PushgateIntake;
  /** The same with `log: { level: warn }`: what one request line costs. */
  quiet: PushgateIntake;
  /** Queue running: 2 tests at a time, one after the other, while the load comes in. */
  busy: PushgateIntake & { testsDone: number };
  /** Node's HTTP and Express doing no work (express-floor.ts): the floor under pushgate. */
  floor: LoadResult;
  /** The request rate of every round of each scenario, in the order they ran. */
  rates: Record<"webhook" | "pushgate" | "quiet" | "busy" | "floor", number[]>;
}

/** What the "tests running" scenario keeps busy: tests of about 1.5 s printing output. */
export interface BusyWork {
  registry: string;
  images: BenchImage[];
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

/** The Express floor (express-floor.ts), loaded as pushgate is. */
async function benchFloor(dir: string): Promise<LoadResult> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const floor = await startProcess(
    process.execPath,
    [...npmStartFlags(), "--import", "tsx", "bench/express-floor.ts", String(port)],
    { ready: () => answers(`${base}/healthz`) },
  );
  try {
    const load = { url: `${base}/dockerhub-webhook/${TOKEN}/notify`, dir, repository: REPOSITORY };
    await loadWithWrk({ ...load, connections: CONNECTIONS, seconds: WARMUP_SECONDS });
    return await loadWithWrk({ ...load, connections: CONNECTIONS, seconds: SECONDS });
  } finally {
    await floor.stop();
  }
}

/** The pipelines of the "tests running" scenario, besides the one the load matches. */
function busyPipeline(busy: BusyWork): string {
  return `  - name: busy
    match: { repository: "${busy.registry}/bench/busy" }
    test:
      command: [sh, -c, "i=0; while [ $i -lt 100 ]; do echo output line $i; i=$((i+1)); sleep 0.01; done"]
      timeout: 60s
`;
}

/**
 * A registry notification of the pushes of `images`, as the registry sends them; event ids
 * are `prefix`-tag.
 */
export function registryNotification(
  registry: string,
  images: readonly BenchImage[],
  prefix: string,
): string {
  return JSON.stringify({
    events: images.map((image) => ({
      id: `${prefix}-${image.tag}`,
      timestamp: new Date().toISOString(),
      action: "push",
      target: {
        mediaType: "application/vnd.docker.distribution.manifest.v2+json",
        repository: image.repository,
        tag: image.tag,
        digest: image.digest,
      },
      request: { host: registry },
      actor: { name: "bench" },
    })),
  });
}

/**
 * pushgate as `npm start` runs it on the example's settings (log level info, SQLite with
 * synchronous FULL), loaded by wrk. `quiet`: log level warn. Without `busy` the queue is
 * paused; with it, the busy pushes are queued first and run 2 at a time (docker.concurrency
 * 2, the default) while the load comes in, so intake shares the process with running tests.
 */
async function benchPushgate(
  dir: string,
  options: { quiet?: boolean; busy?: BusyWork },
): Promise<PushgateIntake & { testsDone: number }> {
  const port = await freePort();
  const dbPath = join(dir, `pushgate-${Date.now().toString(36)}.db`);
  const { busy } = options;
  writeFileSync(
    join(dir, "pushgate.yml"),
    `listen: { host: 127.0.0.1, port: ${port} }
store: { path: ${JSON.stringify(dbPath)} }
auth: { webhookTokens: [${TOKEN}], apiToken: bench-api-token }
${options.quiet ? "log: { level: warn }\n" : ""}# Room for every push the load sends.
limits: { backlog: 10000000 }
pipelines:
${busy ? busyPipeline(busy) : ""}  - name: bench
    match: { repository: "bench/*" }
`,
  );
  const base = `http://127.0.0.1:${port}`;
  const pushgate = await startProcess(process.execPath, startArguments(), {
    env: { ...process.env, PUSHGATE_CONFIG: join(dir, "pushgate.yml") },
    ready: () => answers(`${base}/healthz`),
  });
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { authorization: "Bearer bench-api-token", ...init.headers },
    });
  try {
    if (busy) {
      const queued = await fetch(`${base}/dockerregistry-webhook/${TOKEN}/notify`, {
        method: "POST",
        headers: { "content-type": "application/vnd.docker.distribution.events.v1+json" },
        body: registryNotification(busy.registry, busy.images, "busy"),
      });
      if (queued.status !== 202)
        throw new Error(`queueing the busy pushes answered ${queued.status}`);
    } else {
      // Tests wait: the benchmark measures intake, not the engine pulling what it queued.
      const paused = await api("/api/queue/pause", { method: "POST" });
      if (!paused.ok) throw new Error(`pausing the queue answered ${paused.status}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
    const rssIdleMiB = rssMiB(pushgate.child.pid);
    const url = `${base}/dockerhub-webhook/${TOKEN}/notify`;
    const load = { url, dir, repository: REPOSITORY, connections: CONNECTIONS };
    const doneBefore = busy ? busyDone(dbPath) : 0;
    const warm = await loadWithWrk({ ...load, seconds: WARMUP_SECONDS });
    const result = await loadWithWrk({ ...load, seconds: SECONDS });
    const rssLoadedMiB = rssMiB(pushgate.child.pid);
    const rssPeakMiB = rssMiB(pushgate.child.pid, "VmHWM");
    const testsDone = busy ? busyDone(dbPath) - doneBefore : 0;
    const db = new Database(dbPath, { readonly: true });
    const recorded = (
      db.prepare("SELECT count(*) AS n FROM runs WHERE pipeline = 'bench'").get() as { n: number }
    ).n;
    db.close();
    return {
      result,
      recorded: recorded - (warm.requests - warm.errors),
      rssIdleMiB,
      rssLoadedMiB,
      rssPeakMiB,
      testsDone,
    };
  } finally {
    await pushgate.stop();
  }
}

/** How many busy runs have finished so far (read from the file, as another process may). */
function busyDone(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (
      db
        .prepare(
          "SELECT count(*) AS n FROM runs WHERE pipeline = 'busy' AND state IN ('passed', 'failed', 'errored')",
        )
        .get() as { n: number }
    ).n;
  } finally {
    db.close();
  }
}

/** pushgate started as `npm start` starts it (same V8 memory flags), without the build step. */
export function startArguments(): string[] {
  // Another build of pushgate (an earlier commit's, to compare), started the same way.
  const main = process.env.BENCH_PUSHGATE_MAIN ?? "dist/main.js";
  // Node options for pushgate alone, before its script: `--cpu-prof --cpu-prof-dir=DIR` profiles it.
  const extra = process.env.BENCH_PUSHGATE_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  return [...npmStartFlags(), ...extra, main];
}

/** The Node flags `npm start` gives before pushgate's script, from package.json. */
function npmStartFlags(): string[] {
  const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: { start: string } };
  // `exec node ...`: npm's shell gives way to node, so a signal to npm reaches pushgate.
  const [command, ...args] = pkg.scripts.start.replace(/^exec\s+/, "").split(/\s+/);
  if (command !== "node") throw new Error(`npm start does not run node: ${pkg.scripts.start}`);
  const script = args.indexOf("dist/main.js");
  if (script !== args.length - 1) throw new Error(`npm start does not end with dist/main.js`);
  return args.slice(0, script);
}

/** The pause after each scenario. */
const SETTLE_MS = 3000;

/** Rounds of the whole intake benchmark: each figure printed is its median round's. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** The round with the median request rate (the lower middle one of an even count). */
function medianRound<T>(rounds: readonly T[], rate: (round: T) => number): T {
  const sorted = [...rounds].sort((a, b) => rate(a) - rate(b));
  const middle = sorted[Math.floor((sorted.length - 1) / 2)];
  if (middle === undefined) throw new Error("no rounds");
  return middle;
}

/**
 * Every scenario once per round, the rounds one after the other (so a slow minute of a shared
 * machine touches each scenario alike), and for each scenario its median round, with the
 * request rates of all its rounds.
 */
export async function benchIntake(busy: BusyWork): Promise<IntakeFigures> {
  const dir = mkdtempSync(join(tmpdir(), "pushgate-bench-intake-"));
  const rounds: {
    webhook: LoadResult;
    pushgate: PushgateIntake;
    quiet: PushgateIntake;
    busy: PushgateIntake & { testsDone: number };
    floor: LoadResult;
  }[] = [];
  for (let round = 0; round < Math.max(1, ROUNDS); round++) {
    // A pause after each: the scenario run right after webhook's (40,000 processes forked and
    // reaped) was the slowest of its round in most runs.
    const settled = async <T>(figures: T): Promise<T> => {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      return figures;
    };
    const pushgate = await settled(await benchPushgate(dir, {}));
    const quiet = await settled(await benchPushgate(dir, { quiet: true }));
    const busyFigures = await settled(await benchPushgate(dir, { busy }));
    const floor = await settled(await benchFloor(dir));
    const webhook = await settled(await benchWebhook(dir));
    rounds.push({ webhook, pushgate, quiet, busy: busyFigures, floor });
  }
  const pushgateRate = (p: PushgateIntake) => p.result.requestsPerSecond;
  return {
    webhook: medianRound(
      rounds.map((r) => r.webhook),
      (w) => w.requestsPerSecond,
    ),
    pushgate: medianRound(
      rounds.map((r) => r.pushgate),
      pushgateRate,
    ),
    quiet: medianRound(
      rounds.map((r) => r.quiet),
      pushgateRate,
    ),
    busy: medianRound(
      rounds.map((r) => r.busy),
      pushgateRate,
    ),
    floor: medianRound(
      rounds.map((r) => r.floor),
      (f) => f.requestsPerSecond,
    ),
    rates: {
      floor: rounds.map((r) => r.floor.requestsPerSecond),
      webhook: rounds.map((r) => r.webhook.requestsPerSecond),
      pushgate: rounds.map((r) => pushgateRate(r.pushgate)),
      quiet: rounds.map((r) => pushgateRate(r.quiet)),
      busy: rounds.map((r) => pushgateRate(r.busy)),
    },
  };
}
