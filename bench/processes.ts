import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";

export interface Started {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts a server process and waits until `ready()` resolves true (polling), or fails. */
export async function startProcess(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; ready: () => Promise<boolean> },
): Promise<Started> {
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on(
    "data",
    (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)),
  );
  child.stderr?.on(
    "data",
    (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)),
  );
  const deadline = Date.now() + 20_000;
  while (!(await options.ready().catch(() => false))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${command} did not become ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resident set size of a process now (VmRSS) or at its highest (VmHWM), in MiB, from /proc. */
export function rssMiB(pid: number | undefined, which: "VmRSS" | "VmHWM" = "VmRSS"): number {
  if (pid === undefined) return Number.NaN;
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(new RegExp(`^${which}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return kib / 1024;
}

/** True once `url` answers with any HTTP status. */
export async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}
