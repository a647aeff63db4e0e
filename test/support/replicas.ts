import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { recordInstance } from "./docker-objects.js";
import { spawnPushgate, type SpawnedPushgate } from "./spawn-pushgate.js";
import { tempDir, testConfigYaml } from "./test-config.js";

const exec = promisify(execFile);

export interface Replica extends SpawnedPushgate {
  instance: string;
}

/**
 * One pushgate replica as its own process on the PostgreSQL database at `url`, with an
 * instance id of its own (recorded for the suite's final check) and `rest` of the config;
 * `env` is added to its environment (PORT: a port known beforehand).
 */
export async function startReplica(
  url: string,
  rest: string,
  lease = "2s",
  env: Record<string, string> = {},
): Promise<Replica> {
  const dir = tempDir();
  const instance = `replica-${randomBytes(4).toString("hex")}`;
  recordInstance(instance);
  const store = `{ url: "${url}", instance: ${instance}, lease: ${lease} }`;
  const spawned = await spawnPushgate(dir, testConfigYaml(dir, rest, "", store), env);
  return { ...spawned, instance };
}

/** pg_ctl of the test cluster (scripts/postgres-env.sh): "stop" or "start". */
export async function postgresCtl(action: "stop" | "start"): Promise<void> {
  const command = process.env.PUSHGATE_TEST_POSTGRES_CTL;
  if (!command)
    throw new Error("PUSHGATE_TEST_POSTGRES_CTL is not set: run through scripts/test-env.sh");
  await exec("sh", ["-c", `${command} ${action === "stop" ? "-m fast stop" : "start"}`]);
}
