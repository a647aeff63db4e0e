import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { inject } from "vitest";

const run = promisify(execFile);

/** IDs of containers (all states) carrying a label, e.g. "pushgate.run=01H...". */
export async function containersWith(label: string): Promise<string[]> {
  const { stdout } = await run("docker", ["ps", "-a", "-q", "--filter", `label=${label}`]);
  return stdout.split("\n").filter(Boolean);
}

/** IDs of networks carrying a label. */
export async function networksWith(label: string): Promise<string[]> {
  const { stdout } = await run("docker", ["network", "ls", "-q", "--filter", `label=${label}`]);
  return stdout.split("\n").filter(Boolean);
}

/** `docker inspect` of one object, parsed. */
export async function inspect(id: string): Promise<Record<string, unknown>> {
  const { stdout } = await run("docker", ["inspect", id]);
  return (JSON.parse(stdout) as Record<string, unknown>[])[0] ?? {};
}

/** The instance id of the store at `dbPath` (the pushgate.instance label of its runs). */
export function instanceIdOf(dbPath: string): string {
  const db = new Database(dbPath, { readonly: true });
  try {
    const row = db.prepare("SELECT value FROM meta WHERE key = 'instance'").get() as
      { value: string } | undefined;
    return row?.value ?? "";
  } finally {
    db.close();
  }
}

/**
 * Notes a pushgate instance that runs containers in this suite, so the suite's final check
 * (test/support/global-setup.ts) can prove none of its containers or networks remain.
 */
export function recordInstance(instanceId: string): void {
  writeFileSync(join(inject("instancesDir"), instanceId), "");
}

declare module "vitest" {
  export interface ProvidedContext {
    instancesDir: string;
  }
}

/** Names of volumes carrying a label. */
export async function volumesWith(label: string): Promise<string[]> {
  const { stdout } = await run("docker", ["volume", "ls", "-q", "--filter", `label=${label}`]);
  return stdout.split("\n").filter(Boolean);
}

export interface EngineEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
}

/**
 * What the engine itself says happened since `since` (a Date) until now: creates, starts,
 * removals of containers, networks and volumes.
 */
export async function engineEvents(since: Date): Promise<EngineEvent[]> {
  const { stdout } = await run("docker", [
    "events",
    "--since",
    (since.getTime() / 1000 - 1).toFixed(3),
    "--until",
    (Date.now() / 1000).toFixed(3),
    "--format",
    "{{json .}}",
  ]);
  return stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as EngineEvent);
}

/** Events about a run's objects: containers by their pushgate.run label, others by name. */
export function eventsOfRun(events: readonly EngineEvent[], runId: string): EngineEvent[] {
  const id = runId.toLowerCase();
  return events.filter(
    (event) =>
      event.Actor.Attributes["pushgate.run"] === runId ||
      (event.Actor.Attributes.name ?? "").includes(id),
  );
}

/** The engine's events about one run's objects since `since`. */
export async function engineEventsOf(runId: string, since: Date): Promise<EngineEvent[]> {
  return eventsOfRun(await engineEvents(since), runId);
}
