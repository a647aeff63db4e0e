/**
 * Replicas: intake of one pushgate on SQLite, of one on PostgreSQL and of two side by side on
 * one PostgreSQL database (each given half the connections), at the default log level; then
 * how long a failover takes, from a replica killed mid-test to another testing its run.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "../test/support/ports.js";
import { startArguments } from "./intake.js";
import { buildTestImage } from "../test/support/build-test-image.js";
import { answers, startProcess, type Started } from "./processes.js";
import { loadWithWrk, type LoadResult } from "./wrk.js";

const TOKEN = "bench-webhook-token";
const API = "bench-api-token";
const CONNECTIONS = 16;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

export interface ReplicaFigures {
  intake: { name: string; result: LoadResult }[];
  /** Lease → seconds from SIGKILL to the run testing again on the other replica. */
  failover: { leaseS: number; seconds: number }[];
}

interface Pushgate extends Started {
  url: string;
}

async function database(name: string): Promise<string> {
  const admin = process.env.PUSHGATE_TEST_DATABASE_URL;
  if (!admin)
    throw new Error("PUSHGATE_TEST_DATABASE_URL is not set: run through scripts/test-env.sh");
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

async function start(dir: string, name: string, store: string, rest = ""): Promise<Pushgate> {
  const port = await freePort();
  const file = join(dir, `${name}.yml`);
  writeFileSync(
    file,
    `listen: { host: 127.0.0.1, port: ${port} }
store: ${store}
auth: { webhookTokens: [${TOKEN}], apiToken: ${API} }
limits: { backlog: 10000000 }
${rest}`,
  );
  const url = `http://127.0.0.1:${port}`;
  const started = await startProcess(process.execPath, startArguments(), {
    env: { ...process.env, PUSHGATE_CONFIG: file },
    ready: () => answers(`${url}/healthz`),
  });
  return { ...started, url };
}

const api = (base: string, path: string, method = "GET") =>
  fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${API}` } });

/** Loads every pushgate at once, the connections shared out; their sum and worst tail. */
async function load(dir: string, pushgates: Pushgate[]): Promise<LoadResult> {
  await api(pushgates[0]?.url ?? "", "/api/queue/pause", "POST");
  const each = (seconds: number) =>
    Promise.all(
      pushgates.map((p, i) =>
        loadWithWrk({
          url: `${p.url}/dockerhub-webhook/${TOKEN}/notify`,
          dir: join(dir, String(i)),
          repository: `bench/app${i}`,
          connections: CONNECTIONS / pushgates.length,
          seconds,
        }),
      ),
    );
  await each(2);
  const results = await each(SECONDS);
  return {
    requests: results.reduce((n, r) => n + r.requests, 0),
    requestsPerSecond: results.reduce((n, r) => n + r.requestsPerSecond, 0),
    p50Ms: Math.max(...results.map((r) => r.p50Ms)),
    p99Ms: Math.max(...results.map((r) => r.p99Ms)),
    errors: results.reduce((n, r) => n + r.errors, 0),
  };
}

const INTAKE_PIPELINE = `pipelines: [{ name: bench, match: { repository: "bench/*" } }]`;

// A stop removes the test at once: nothing is left in the engine after the benchmark.
const PIPELINE = (registry: string) => `registries: [{ host: docker.io, mirror: "${registry}" }]
shutdown: { grace: 0s }
pipelines: [{ name: bench, match: { repository: "bench/**" }, test: { timeout: 5m } }]`;

async function failover(dir: string, registry: string, leaseS: number): Promise<number> {
  const url = await database(`bench_failover_${leaseS}`);
  const store = (instance: string) => `{ url: "${url}", instance: ${instance}, lease: ${leaseS}s }`;
  const a = await start(dir, `a${leaseS}`, store(`bench-a-${leaseS}`), PIPELINE(registry));
  let b: Pushgate | undefined;
  try {
    const pushed = await fetch(`${a.url}/dockerhub-webhook/${TOKEN}/notify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        push_data: { tag: "v1", pushed_at: Math.floor(Date.now() / 1000), pusher: "bench" },
        repository: { repo_name: "bench/slow" },
      }),
    });
    const answer = (await pushed.json()) as { runs?: string[] };
    const runId = answer.runs?.[0];
    if (!runId) throw new Error(`the push was not queued: ${JSON.stringify(answer)}`);
    const state = async (base: string) =>
      (await (await api(base, `/api/runs/${runId}`)).json()) as { state: string; attempt: number };
    while ((await state(a.url)).state !== "testing") await new Promise((r) => setTimeout(r, 100));
    b = await start(dir, `b${leaseS}`, store(`bench-b-${leaseS}`), PIPELINE(registry));
    a.child.kill("SIGKILL");
    const killed = Date.now();
    for (;;) {
      const now = await state(b.url);
      if (now.state === "testing" && now.attempt === 2) return (Date.now() - killed) / 1000;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await Promise.all([a.stop(), b?.stop()]);
  }
}

export async function benchReplicas(registry: string): Promise<ReplicaFigures> {
  const dir = mkdtempSync(join(tmpdir(), "pushgate-bench-replicas-"));
  for (const sub of ["0", "1"]) mkdirSync(join(dir, sub));
  const intake: ReplicaFigures["intake"] = [];
  const measure = async (name: string, stores: string[]) => {
    const pushgates: Pushgate[] = [];
    try {
      // A pipeline the load matches (its queue paused): every delivery records its run, as
      // in the intake benchmark; without one, a delivery is answered before the store is used.
      for (const [i, store] of stores.entries())
        pushgates.push(await start(dir, `${name}${i}`, store, INTAKE_PIPELINE));
      intake.push({ name, result: await load(dir, pushgates) });
    } finally {
      await Promise.all(pushgates.map((p) => p.stop()));
    }
  };
  await measure("1 × SQLite", [`{ path: ${JSON.stringify(join(dir, "bench.db"))} }`]);
  const one = await database("bench_intake_one");
  await measure("1 × PostgreSQL", [`{ url: "${one}", instance: bench-1 }`]);
  const two = await database("bench_intake_two");
  await measure("2 × PostgreSQL", [
    `{ url: "${two}", instance: bench-1 }`,
    `{ url: "${two}", instance: bench-2 }`,
  ]);
  await buildTestImage({ reference: `${registry}/bench/slow:v1`, lines: ['CMD ["sleep", "120"]'] });
  const figures: ReplicaFigures["failover"] = [];
  for (const leaseS of [30, 5])
    figures.push({ leaseS, seconds: await failover(dir, registry, leaseS) });
  return { intake, failover: figures };
}
