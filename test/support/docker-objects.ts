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
