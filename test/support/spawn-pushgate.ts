import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { instanceIdOf, recordInstance } from "./docker-objects.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** tsx by URL, so the entry point runs from any working directory. */
const TSX = import.meta.resolve("tsx");

export interface SpawnedPushgate {
  url: string;
  process: ChildProcess;
  output: string[];
  /** Sends a signal and resolves with the exit code once the process is gone. */
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs the real entry point (src/main.ts) as its own process with `configYaml`, and waits
 * for its "listening" line. For restarts and signals, which an in-process server cannot show.
 */
export async function spawnPushgate(
  dir: string,
  configYaml: string,
  env: Record<string, string> = {},
): Promise<SpawnedPushgate> {
  const configFile = join(dir, "pushgate.yml");
  writeFileSync(configFile, configYaml);
  const spawned = await spawnPushgateIn(ROOT, { ...env, PUSHGATE_CONFIG: configFile });
  // Its runs run too: the suite's final check covers what they create in Docker.
  const dbPath = join(dir, "pushgate.db");
  if (existsSync(dbPath)) recordInstance(instanceIdOf(dbPath));
  return spawned;
}

/** The real entry point as a process that may still be starting. */
export interface LaunchedPushgate {
  process: ChildProcess;
  output: string[];
  /** Resolves with its URL at its "listening" line; rejects if it exits first or takes 30 s. */
  listening: Promise<string>;
  /** Resolves with the exit code (null when a signal ended it) once the process is gone. */
  exited: Promise<number | null>;
}

/**
 * Starts the real entry point in `cwd` with `env` added to this process's environment
 * (PUSHGATE_CONFIG removed unless `env` sets it), without waiting for it.
 */
export function launchPushgate(cwd: string, env: Record<string, string>): LaunchedPushgate {
  const { PUSHGATE_CONFIG: _inherited, ...inherited } = process.env;
  const child = spawn(process.execPath, ["--import", TSX, join(ROOT, "src/main.ts")], {
    cwd,
    env: { ...inherited, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`pushgate did not start:\n${output.join("\n")}`)),
      30_000,
    );
    const onLine = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n").filter(Boolean)) {
        output.push(line);
        const match = /"message":"listening".*"url":"([^"]+)"/.exec(line);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      }
    };
    child.stdout.on("data", onLine);
    child.stderr.on("data", onLine);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`pushgate exited with ${code}:\n${output.join("\n")}`));
    });
  });
  listening.catch(() => undefined); // a caller that only waits for the exit is not told twice
  return { process: child, output, listening, exited };
}

/**
 * The real entry point started in `cwd` with `env` added to this process's environment
 * (PUSHGATE_CONFIG removed unless `env` sets it), waiting for its "listening" line.
 */
export async function spawnPushgateIn(
  cwd: string,
  env: Record<string, string>,
): Promise<SpawnedPushgate> {
  const launched = launchPushgate(cwd, env);
  const url = await launched.listening;
  const child = launched.process;
  return {
    url,
    process: child,
    output: launched.output,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return launched.exited;
    },
  };
}

/** Runs the real entry point with `args` (a command such as check-config) until it exits. */
export function runPushgateCommand(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { PUSHGATE_CONFIG: _inherited, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX, join(ROOT, "src/main.ts"), ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...inherited, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}
