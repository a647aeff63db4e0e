/**
 * End to end, per push: webhook → pull → test in a container → Jenkins triggered, through
 * pushgate, against the same work done by the docker CLI in a shell (`docker pull`,
 * `docker run --rm`, `curl` to the same Jenkins stand-in).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startJenkinsStandin, type JenkinsStandin } from "../test/support/jenkins-standin.js";
import { freePort } from "../test/support/ports.js";
import { sharedRegistry } from "../test/support/registry.js";
import { forgetImages, pushBenchImages, type BenchImage } from "./images.js";
import { registryNotification, startArguments } from "./intake.js";
import { answers, startProcess } from "./processes.js";
import { percentile } from "./stats.js";

const run = promisify(execFile);
const TOKEN = "bench-webhook-token";
const JENKINS_TOKEN = "bench-jenkins-token";
const SEQUENTIAL = Number(process.env.BENCH_E2E_PUSHES ?? 20);
const CONCURRENT = Number(process.env.BENCH_E2E_CONCURRENT ?? 50);
/** Tests at once, for pushgate (docker.concurrency) and the CLI (parallel shells) alike. */
export const PARALLEL = 4;

/** Medians, in ms, of where a pushgate push's time went (one by one), from its run record. */
export type Breakdown = [name: string, medianMs: number][];

export interface E2eFigures {
  pushgate: { medianMs: number; p95Ms: number; concurrentWallMs: number; breakdown: Breakdown };
  cli: { medianMs: number; p95Ms: number; concurrentWallMs: number };
  pushes: number;
  concurrent: number;
}

const now = (): number => performance.now();

async function waitForTrigger(
  jenkins: JenkinsStandin,
  tag: string,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!jenkins.triggers.some((t) => t.sent.DOCKER_TRIGGER_TAG === tag)) {
    if (Date.now() > deadline) throw new Error(`Jenkins was never triggered for ${tag}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** One contestant: a push by push, timed until Jenkins is triggered; then its wrap-up. */
interface Contestant {
  /** One push, one by one: ms from the push to Jenkins triggered. */
  one(image: BenchImage): Promise<number>;
  /** Pushes at once: ms from the first to the last trigger. */
  many(images: readonly BenchImage[]): Promise<number>;
}

/** pushgate with the bench pipeline, started once for all its pushes. */
async function startPushgate(
  dir: string,
  registry: string,
  jenkins: JenkinsStandin,
): Promise<
  Contestant & { pushes: Push[]; breakdown(): Promise<Breakdown>; stop(): Promise<void> }
> {
  const port = await freePort();
  writeFileSync(
    join(dir, "pushgate.yml"),
    `listen: { host: 127.0.0.1, port: ${port} }
store: { path: ${JSON.stringify(join(dir, "pushgate.db"))} }
auth: { webhookTokens: [${TOKEN}], apiToken: bench-api-token }
docker: { concurrency: ${PARALLEL} }
jenkins: { url: "${jenkins.url}", user: pushgate, token: ${JENKINS_TOKEN} }
pipelines:
  - name: bench
    match: { repository: "${registry}/bench/*" }
    test: { timeout: 60s }
    on: { success: [{ jenkins: { job: deploy } }] }
`,
  );
  const base = `http://127.0.0.1:${port}`;
  const pushgate = await startProcess(process.execPath, startArguments(), {
    env: { ...process.env, PUSHGATE_CONFIG: join(dir, "pushgate.yml") },
    ready: () => answers(`${base}/healthz`),
  });
  const notify = (image: BenchImage) =>
    fetch(`${base}/dockerregistry-webhook/${TOKEN}/notify`, {
      method: "POST",
      headers: { "content-type": "application/vnd.docker.distribution.events.v1+json" },
      body: registryNotification(registry, [image], "bench"),
    }).then(async (r) => {
      if (r.status !== 202) throw new Error(`pushgate answered ${r.status}`);
      return ((await r.json()) as { runs: string[] }).runs[0] ?? "";
    });
  const pushes: Push[] = [];
  return {
    pushes,
    async one(image) {
      const sentAt = Date.now();
      const started = now();
      const runId = await notify(image);
      await waitForTrigger(jenkins, image.tag);
      const ms = now() - started;
      pushes.push({ runId, sentAt, triggeredAt: Date.now() });
      return ms;
    },
    async many(images) {
      const started = now();
      await Promise.all(images.map(notify));
      await Promise.all(images.map((image) => waitForTrigger(jenkins, image.tag)));
      return now() - started;
    },
    breakdown: () => breakdownOf(base, pushes.slice(1)),
    stop: () => pushgate.stop(),
  };
}

/** A push one by one: its run, when its webhook was sent and when Jenkins was triggered. */
interface Push {
  runId: string;
  sentAt: number;
  triggeredAt: number;
}

interface StepView {
  startedAt: string;
  finishedAt?: string;
  ms?: number;
}

/**
 * Where the time of each push went, from its run record (GET /api/runs/<id>): intake (the
 * webhook sent → the run recorded), the queue (recorded → claimed, the pull started), the
 * pull, the move to testing, the test container's parts, and the test's exit → Jenkins
 * triggered (verdict stored, actions planned, the trigger sent). The container's removal
 * overlaps the last; it is shown apart. Medians of each part, so they need not add up.
 */
async function breakdownOf(base: string, pushes: Push[]): Promise<Breakdown> {
  const parts = new Map<string, number[]>();
  const add = (name: string, ms: number | undefined) => {
    if (ms !== undefined && Number.isFinite(ms)) parts.set(name, [...(parts.get(name) ?? []), ms]);
  };
  const at = (iso: string | undefined) => (iso ? new Date(iso).getTime() : Number.NaN);
  for (const push of pushes) {
    const answer = await fetch(`${base}/api/runs/${push.runId}`, {
      headers: { authorization: "Bearer bench-api-token" },
    });
    const run = (await answer.json()) as { createdAt: string; steps: Record<string, StepView> };
    const { steps } = run;
    add("webhook → run recorded", at(run.createdAt) - push.sentAt);
    add("queue (recorded → pull starts)", at(steps.pull?.startedAt) - at(run.createdAt));
    add("pull (pull, inspect)", steps.pull?.ms);
    add("pulled → test starts", at(steps.test?.startedAt) - at(steps.pull?.finishedAt));
    for (const part of ["create", "start", "wait"]) add(`test.${part}`, steps[`test.${part}`]?.ms);
    add("test exit → Jenkins triggered", push.triggeredAt - at(steps.test?.finishedAt));
    add("whole push", push.triggeredAt - push.sentAt);
    add("test.remove (overlapping the above)", steps["test.remove"]?.ms);
  }
  return [...parts].map(([name, values]) => [name, percentile(values, 50)]);
}

/** The shell a user would write instead: pull, run the test, tell Jenkins. */
function cliScript(jenkinsUrl: string): string {
  return `set -e
image="$1"; tag="$2"
docker pull -q "$image" >/dev/null
docker run --rm --network none --memory 512m --cpus 1 --pids-limit 256 "$image" >/dev/null
curl -sf -o /dev/null -u "pushgate:${JENKINS_TOKEN}" -X POST \\
  --data-urlencode "DOCKER_TRIGGER_REPO_NAME=$image" --data-urlencode "DOCKER_TRIGGER_TAG=$tag" \\
  "${jenkinsUrl}/job/deploy/buildWithParameters"
`;
}

/** The CLI loop: one shell per push, up to PARALLEL shells at once. */
function cliContestant(dir: string, jenkins: JenkinsStandin): Contestant {
  const script = join(dir, "push.sh");
  writeFileSync(script, cliScript(jenkins.url));
  const one = (image: BenchImage) => run("bash", [script, image.reference, image.tag]);
  return {
    async one(image) {
      const started = now();
      await one(image);
      return now() - started;
    },
    async many(images) {
      const started = now();
      const queue = [...images];
      await Promise.all(
        Array.from({ length: PARALLEL }, async () => {
          for (let image = queue.shift(); image; image = queue.shift()) await one(image);
        }),
      );
      return now() - started;
    },
  };
}

/** The CLI's and pushgate's work of one turn: the CLI first on even turns, pushgate on odd. */
async function inTurn<T>(
  turn: number,
  cli: () => Promise<T>,
  pushgate: () => Promise<T>,
): Promise<[cli: T, pushgate: T]> {
  if (turn % 2 === 0) {
    const first = await cli();
    return [first, await pushgate()];
  }
  const first = await pushgate();
  return [await cli(), first];
}

/** Rounds of pushes at once for each contestant, in the order CLI, pushgate, pushgate, CLI. */
const CONCURRENT_ROUNDS = 2;

/**
 * Both contestants side by side, so that a change in the machine's load during the run
 * weighs on both alike: the pushes one by one alternate (CLI then pushgate, then pushgate
 * then CLI, ...), and the rounds of pushes at once go CLI, pushgate, pushgate, CLI, each
 * contestant's figure the mean of its two rounds. Every push is of an image of its own,
 * absent from the engine, so every pull fetches it. The first push of each is dropped: it
 * warms its path.
 */
export async function benchEndToEnd(): Promise<E2eFigures> {
  const registry = sharedRegistry();
  const dir = mkdtempSync(join(tmpdir(), "pushgate-bench-e2e-"));
  const stamp = Date.now().toString(36);
  const images = (prefix: string, count: number) =>
    pushBenchImages(registry, "bench/app", `${prefix}-${stamp}`, count);
  const pgSeq = await images("pg", SEQUENTIAL + 1);
  const cliSeq = await images("cli", SEQUENTIAL + 1);
  const pgCon: BenchImage[][] = [];
  const cliCon: BenchImage[][] = [];
  for (let round = 0; round < CONCURRENT_ROUNDS; round++) {
    pgCon.push(await images(`pgc${round}`, CONCURRENT));
    cliCon.push(await images(`clic${round}`, CONCURRENT));
  }
  const jenkins = await startJenkinsStandin({
    users: { pushgate: { token: JENKINS_TOKEN } },
    jobs: { deploy: { parameters: ["DOCKER_TRIGGER_REPO_NAME", "DOCKER_TRIGGER_TAG"] } },
  });
  const pushgate = await startPushgate(dir, registry, jenkins);
  const cli = cliContestant(dir, jenkins);
  try {
    const pgTimes: number[] = [];
    const cliTimes: number[] = [];
    for (let i = 0; i < pgSeq.length; i++) {
      const pg = pgSeq[i];
      const shell = cliSeq[i];
      if (!pg || !shell) continue;
      const [shellMs, pgMs] = await inTurn(
        i,
        () => cli.one(shell),
        () => pushgate.one(pg),
      );
      cliTimes.push(shellMs);
      pgTimes.push(pgMs);
    }
    const pgWall: number[] = [];
    const cliWall: number[] = [];
    for (let round = 0; round < CONCURRENT_ROUNDS; round++) {
      const [shellMs, pgMs] = await inTurn(
        round,
        () => cli.many(cliCon[round] ?? []),
        () => pushgate.many(pgCon[round] ?? []),
      );
      cliWall.push(shellMs);
      pgWall.push(pgMs);
    }
    const figures = (times: number[], walls: number[]) => ({
      medianMs: percentile(times.slice(1), 50),
      p95Ms: percentile(times.slice(1), 95),
      concurrentWallMs: walls.reduce((a, b) => a + b, 0) / walls.length,
    });
    return {
      pushgate: { ...figures(pgTimes, pgWall), breakdown: await pushgate.breakdown() },
      cli: figures(cliTimes, cliWall),
      pushes: SEQUENTIAL,
      concurrent: CONCURRENT,
    };
  } finally {
    await pushgate.stop();
    await jenkins.close();
    await forgetImages([...pgSeq, ...cliSeq, ...pgCon.flat(), ...cliCon.flat()]);
  }
}
