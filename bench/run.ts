/**
 * `npm run bench`: every benchmark, one after the other on this machine, printing figures
 * and ratios. Targets are reported, never asserted.
 */
import { cpus, totalmem } from "node:os";
import { benchEndToEnd, PARALLEL, type E2eFigures } from "./e2e.js";
import { forgetImages, pushBenchImages } from "./images.js";
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
  const widths = [30, 8, 8, 8, 7, 0];
  const rounds = intake.rates.webhook.length;
  console.log(
    `\nintake: 16 connections for ${process.env.BENCH_SECONDS ?? 10} s, every request a distinct Docker Hub push (wrk); ${rounds} rounds, each row its median round`,
  );
  console.log(row(["", "req/s", "p50 ms", "p99 ms", "errors", "  req/s of each round"], widths));
  for (const [name, r, rates] of [
    ["adnanh/webhook", intake.webhook, intake.rates.webhook],
    ["pushgate, queue paused", intake.pushgate.result, intake.rates.pushgate],
    ["pushgate, 2 tests running", intake.busy.result, intake.rates.busy],
    ["--quiet-logs (level warn)", intake.quiet.result, intake.rates.quiet],
    ["Express floor (no work)", intake.floor, intake.rates.floor],
  ] as const) {
    console.log(
      row(
        [
          name,
          fixed(r.requestsPerSecond, 0),
          fixed(r.p50Ms, 2),
          fixed(r.p99Ms, 2),
          r.errors,
          `  ${rates.map((rate) => fixed(rate, 0)).join(", ")}`,
        ],
        widths,
      ),
    );
  }
  for (const [name, p] of [
    ["queue paused", intake.pushgate],
    ["2 tests running", intake.busy],
    ["--quiet-logs", intake.quiet],
  ] as const) {
    console.log(
      `pushgate, ${name}: ${p.recorded} runs recorded for ${p.result.requests - p.result.errors} answered; RSS idle ${mib(p.rssIdleMiB)}, after the load ${mib(p.rssLoadedMiB)}, peak ${mib(p.rssPeakMiB)}`,
    );
  }
  console.log(`busy tests finished during the load (2 at a time): ${intake.busy.testsDone}`);
}

/** The table of issue 17: each figure as it was, its target, and as measured now. */
function printTargets(intake: IntakeFigures | undefined, e2e: E2eFigures | undefined): void {
  const mb = (mibs: number): number => (mibs * 1024 * 1024) / 1e6;
  const figures: [string, string, string, string, boolean | undefined][] = [];
  const add = (
    name: string,
    before: string,
    target: string,
    now: number,
    unit: string,
    met: (n: number) => boolean,
    digits: number,
  ): void => {
    figures.push([
      name,
      before,
      target,
      Number.isFinite(now) ? `${fixed(now, digits)}${unit}` : "n/a",
      Number.isFinite(now) ? met(now) : undefined,
    ]);
  };
  if (intake) {
    add(
      "intake req/s vs webhook, queue paused",
      "0.24×",
      "≥ 1.0×",
      intake.pushgate.result.requestsPerSecond / intake.webhook.requestsPerSecond,
      "×",
      (n) => n >= 1,
      2,
    );
    add(
      "intake p99, 16 connections, queue paused",
      "~70 ms",
      "≤ 10 ms",
      intake.pushgate.result.p99Ms,
      " ms",
      (n) => n <= 10,
      1,
    );
    add(
      "intake p99, 2 tests running, queue draining",
      "~85 ms",
      "≤ 10 ms",
      intake.busy.result.p99Ms,
      " ms",
      (n) => n <= 10,
      1,
    );
    add(
      "RSS after the intake load (VmHWM)",
      "~127 MB",
      "≤ 100 MB",
      mb(intake.pushgate.rssPeakMiB),
      " MB",
      (n) => n <= 100,
      1,
    );
  }
  if (e2e) {
    add(
      "end to end median vs the CLI loop",
      "1.0×",
      "≤ 0.8×",
      e2e.pushgate.medianMs / e2e.cli.medianMs,
      "×",
      (n) => n <= 0.8,
      2,
    );
    add(
      `${e2e.concurrent} pushes at once, ${PARALLEL} in parallel, vs the CLI`,
      "1.0×",
      "≤ 0.9×",
      e2e.pushgate.concurrentWallMs / e2e.cli.concurrentWallMs,
      "×",
      (n) => n <= 0.9,
      2,
    );
  }
  const widths = [48, 9, 9, 9, 7];
  console.log("\nissue 17 targets (default configuration: log level info, synchronous FULL)");
  console.log(row(["figure", "before", "target", "now", "met"], widths));
  for (const [name, before, target, now, met] of figures) {
    console.log(
      row([name, before, target, now, met === undefined ? "n/a" : met ? "yes" : "no"], widths),
    );
  }
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
    `ratio pushgate/CLI: median ${fixed(median, 2)} (target: <= 0.8), ${e2e.concurrent} at once ${fixed(wall, 2)} (target: <= 0.9)`,
  );
  console.log(`where a pushgate push's time goes (one by one, medians from the run records)`);
  for (const [name, ms] of e2e.pushgate.breakdown) console.log(row([name, fixed(ms, 1)], [40, 8]));
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
  const registry = process.env.PUSHGATE_TEST_REGISTRY;
  if (!registry)
    throw new Error("PUSHGATE_TEST_REGISTRY is not set: run through scripts/test-env.sh");
  let intake: IntakeFigures | undefined;
  let e2e: E2eFigures | undefined;
  if (!only || only === "intake") {
    const stamp = Date.now().toString(36);
    // Enough 1.5-s tests, 2 at a time, to outlast the warm-up and the load.
    const images = await pushBenchImages(registry, "bench/busy", `busy-${stamp}`, 30);
    try {
      intake = await benchIntake({ registry, images });
    } finally {
      await forgetImages(images);
    }
    printIntake(intake);
  }
  if (!only || only === "e2e") {
    e2e = await benchEndToEnd();
    printEndToEnd(e2e);
  }
  if (!only || only === "intake" || only === "e2e") printTargets(intake, e2e);
  if (!only || only === "replicas") {
    printReplicas(await benchReplicas(registry));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
