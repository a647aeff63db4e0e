/**
 * `npm run bench`: every benchmark, one after the other on this machine, printing figures
 * and ratios. Targets are reported, never asserted.
 */
import { cpus, totalmem } from "node:os";
import { benchEndToEnd, PARALLEL, type E2eFigures } from "./e2e.js";
import { benchIntake, type IntakeFigures } from "./intake.js";
import { benchReplicas, type ReplicaFigures } from "./replicas.js";

const fixed = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
/** A size in MiB, with the same in MB (10^6 bytes): targets are written in MB. */
const mib = (n: number): string => `${fixed(n)} MiB (${fixed((n * 1024 * 1024) / 1e6)} MB)`;
const row = (cells: (string | number)[], widths: number[]): string =>
  cells
    .map((cell, i) =>
      i === 0 ? String(cell).padEnd(widths[i] ?? 0) : String(cell).padStart(widths[i] ?? 0),
    )
    .join("  ");

function printIntake(intake: IntakeFigures): void {
  const widths = [16, 8, 8, 8, 7];
  console.log("\nintake: 16 connections for 10 s, every request a distinct Docker Hub push (wrk)");
  console.log(row(["", "req/s", "p50 ms", "p99 ms", "errors"], widths));
  for (const [name, r] of [
    ["adnanh/webhook", intake.webhook],
    ["pushgate", intake.pushgate],
  ] as const) {
    console.log(
      row(
        [name, fixed(r.requestsPerSecond, 0), fixed(r.p50Ms, 2), fixed(r.p99Ms, 2), r.errors],
        widths,
      ),
    );
  }
  const ratio = intake.pushgate.requestsPerSecond / intake.webhook.requestsPerSecond;
  console.log(
    `ratio pushgate/webhook req/s: ${fixed(ratio, 2)}  (target: >= 2, with pushgate p99 <= 10 ms)`,
  );
  console.log(
    `pushgate runs recorded: ${intake.pushgateRecorded} for ${intake.pushgate.requests - intake.pushgate.errors} answered`,
  );
  console.log(
    `pushgate RSS: idle ${mib(intake.rssIdleMiB)}, after the load ${mib(intake.rssLoadedMiB)}, peak ${mib(intake.rssPeakMiB)}  (target: <= 120 MB)`,
  );
}

function printEndToEnd(e2e: E2eFigures): void {
  const widths = [16, 10, 8, 16];
  console.log(`\nend to end: webhook → pull → test container → Jenkins triggered`);
  console.log(
    `(${e2e.pushes} pushes one by one; then ${e2e.concurrent} at once, ${PARALLEL} tests in parallel for both)`,
  );
  console.log(row(["", "median ms", "p95 ms", `${e2e.concurrent} at once, s`], widths));
  for (const [name, r] of [
    ["docker CLI loop", e2e.cli],
    ["pushgate", e2e.pushgate],
  ] as const) {
    console.log(
      row(
        [name, fixed(r.medianMs, 0), fixed(r.p95Ms, 0), fixed(r.concurrentWallMs / 1000, 1)],
        widths,
      ),
    );
  }
  const median = e2e.pushgate.medianMs / e2e.cli.medianMs;
  const wall = e2e.pushgate.concurrentWallMs / e2e.cli.concurrentWallMs;
  console.log(
    `ratio pushgate/CLI: median ${fixed(median, 2)} (target: <= 1), ${e2e.concurrent} at once ${fixed(wall, 2)}`,
  );
}

function printReplicas(figures: ReplicaFigures): void {
  const widths = [16, 8, 8, 8, 7];
  console.log(
    `\nreplicas: intake, ${16} connections for ${process.env.BENCH_SECONDS ?? 10} s shared out, default log level`,
  );
  console.log(row(["", "req/s", "p50 ms", "p99 ms", "errors"], widths));
  for (const { name, result } of figures.intake) {
    console.log(
      row(
        [
          name,
          fixed(result.requestsPerSecond, 0),
          fixed(result.p50Ms, 2),
          fixed(result.p99Ms, 2),
          result.errors,
        ],
        widths,
      ),
    );
  }
  for (const { leaseS, seconds } of figures.failover) {
    console.log(
      `failover, store.lease ${leaseS}s: ${fixed(seconds)} s from SIGKILL to the run testing again`,
    );
  }
}

async function main(): Promise<void> {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  console.log(
    `machine: ${cpus().length} × ${cpu}, ${fixed(totalmem() / 1024 ** 3, 0)} GiB, Node ${process.version}`,
  );
  const only = process.argv[2];
  if (!only || only === "intake") printIntake(await benchIntake());
  if (!only || only === "e2e") printEndToEnd(await benchEndToEnd());
  if (!only || only === "replicas") {
    const registry = process.env.PUSHGATE_TEST_REGISTRY;
    if (!registry)
      throw new Error("PUSHGATE_TEST_REGISTRY is not set: run through scripts/test-env.sh");
    printReplicas(await benchReplicas(registry));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
