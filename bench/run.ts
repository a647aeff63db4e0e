/**
 * `npm run bench`: every benchmark, one after the other on this machine, printing figures
 * and ratios (targets are reported, never asserted).
 */
import { cpus, totalmem } from "node:os";
import { benchIntake } from "./intake.js";

const fixed = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

async function main(): Promise<void> {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  console.log(
    `machine: ${cpus().length} × ${cpu}, ${fixed(totalmem() / 1024 ** 3, 0)} GiB, Node ${process.version}`,
  );

  const intake = await benchIntake();
  console.log("\nintake: 16 connections, distinct Docker Hub pushes (wrk)");
  console.log("                 req/s      p50 ms   p99 ms   errors");
  for (const [name, r] of [
    ["adnanh/webhook", intake.webhook],
    ["pushgate", intake.pushgate],
  ] as const) {
    console.log(
      `${name.padEnd(16)} ${fixed(r.requestsPerSecond, 0).padStart(7)}   ${fixed(r.p50Ms, 2).padStart(7)}  ${fixed(r.p99Ms, 2).padStart(7)}   ${r.errors}`,
    );
  }
  const ratio = intake.pushgate.requestsPerSecond / intake.webhook.requestsPerSecond;
  console.log(
    `ratio pushgate/webhook req/s: ${fixed(ratio, 2)} (target >= 2, pushgate p99 <= 10 ms)`,
  );
  console.log(
    `pushgate runs recorded during the measured load: ${intake.pushgateRecorded} (answered: ${intake.pushgate.requests - intake.pushgate.errors})`,
  );
  console.log(
    `pushgate RSS: idle ${fixed(intake.rssIdleMiB)} MiB, after load ${fixed(intake.rssLoadedMiB)} MiB (target <= 120 MB)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
