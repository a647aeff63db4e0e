import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, openSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../test/support/ports.js";
import { startRegistry, type TestRegistry } from "../../test/support/registry.js";
import { buildAndPush, DEMO_IMAGES, removeImages } from "./demo-images.js";
import { followRuns, isFinal } from "./follow-runs.js";

/**
 * `npm run demo`: a local registry that notifies pushgate, pushgate itself (dist/main.js)
 * with a demo config and a store of its own, two tiny images built here (one whose test
 * passes, one whose test fails) pushed to the registry, and each run printed as it goes.
 * Runs until Ctrl-C; with --once, exits after both verdicts (0 when both are as expected).
 * scripts/test-env.sh starts it: it provides the engine and the busybox base image.
 */
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Where the demo keeps its config, store and log (PUSHGATE_DEMO_DIR for another place). */
const DIR = process.env.PUSHGATE_DEMO_DIR ?? join(ROOT, "data", "demo");
const POLL_MS = 100;
/** Longest --once waits for both verdicts. */
const ONCE_TIMEOUT_MS = 180_000;

const once = process.argv.includes("--once");
const say = (line: string) => process.stdout.write(`${line}\n`);

async function pushgatePort(): Promise<number> {
  if (process.env.PORT && /^\d+$/.test(process.env.PORT)) return Number(process.env.PORT);
  return (await isFree(8080)) ? 8080 : freePort();
}

async function isFree(port: number): Promise<boolean> {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

function demoConfig(port: number, registry: string, webhookToken: string, apiToken: string) {
  return `# Written by npm run demo; removed at its next start.
listen: { host: 127.0.0.1, port: ${port} }
store: { path: ${JSON.stringify(join(DIR, "demo.db"))} }
auth: { webhookTokens: ["${webhookToken}"], apiToken: "${apiToken}" }
registries: [{ host: "${registry}", insecure: true }]
pipelines:
  - name: demo
    match: { repository: "${registry}/demo/*" }
    test: { timeout: 1m, resources: { memory: 64m, cpus: 1, pids: 64 } }
`;
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`pushgate exited with ${child.exitCode}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("pushgate was not ready within 30 s");
}

function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  return exited;
}

async function main(): Promise<number> {
  const base = process.env.PUSHGATE_TEST_BASE_IMAGE;
  if (!base) throw new Error("run the demo with `npm run demo` (it sets up the engine first)");
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const port = await pushgatePort();
  const url = `http://127.0.0.1:${port}`;
  const webhookToken = randomBytes(16).toString("hex");
  const apiToken = randomBytes(16).toString("hex");

  let registry: TestRegistry | undefined;
  let pushgate: ChildProcess | undefined;
  const pushed: string[] = [];
  const cleanUp = async () => {
    await stopProcess(pushgate);
    await registry?.destroy();
    await removeImages(pushed);
  };
  const interrupted = new Promise<number>((resolve) => {
    const onSignal = () => {
      say("\ndemo: stopping pushgate and the registry");
      resolve(130);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });

  try {
    registry = await startRegistry({
      notifications: [
        {
          url: `${url}/dockerregistry-webhook/notify`,
          headers: { Authorization: [`Bearer ${webhookToken}`] },
        },
      ],
    });
    const configFile = join(DIR, "pushgate.yml");
    writeFileSync(configFile, demoConfig(port, registry.host, webhookToken, apiToken));
    const log = openSync(join(DIR, "pushgate.log"), "a");
    pushgate = spawn(process.execPath, [join(ROOT, "dist", "main.js")], {
      cwd: ROOT,
      env: { ...process.env, PUSHGATE_CONFIG: configFile, PORT: String(port) },
      stdio: ["ignore", log, log],
    });
    await waitUntilReady(url, pushgate);
    const where = (file: string) => relative(process.cwd(), join(DIR, file));
    say(
      `demo: pushgate on ${url} (config ${where("pushgate.yml")}, store ${where("demo.db")}, log ${where("pushgate.log")})`,
    );
    say(`demo: the dashboard on ${url}/ (sign in with the API token ${apiToken})`);
    say(`demo: registry on ${registry.host}, which tells pushgate of every push`);

    const follow = followRuns(url, apiToken, say);
    for (const image of DEMO_IMAGES) {
      const reference = await buildAndPush(image, base, registry.host);
      pushed.push(reference);
      say(
        `demo: built and pushed ${reference} (its test ${image.expected === "passed" ? "passes" : "fails"})`,
      );
    }
    const expected = new Map(
      DEMO_IMAGES.map((i) => [`${registry?.host}/${i.repository}:latest`, i.expected]),
    );
    const started = Date.now();
    const verdicts = (): Map<string, string> => {
      const found = new Map<string, string>();
      for (const run of follow.runs.values())
        if (isFinal(run.state)) found.set(run.image, run.state);
      return found;
    };
    const bothDone = () => [...expected.keys()].every((image) => verdicts().has(image));
    let told = false;
    for (;;) {
      const outcome = await Promise.race([
        interrupted,
        new Promise<undefined>((r) => setTimeout(() => r(undefined), POLL_MS)),
      ]);
      if (outcome !== undefined) return outcome;
      await follow.poll();
      if (bothDone() && !told) {
        told = true;
        say(`demo: the runs, as JSON: curl -H "Authorization: Bearer ${apiToken}" ${url}/api/runs`);
        say(
          `demo: a run's output:    curl -H "Authorization: Bearer ${apiToken}" ${url}/api/runs/RUN_ID/log`,
        );
        if (once) {
          const found = verdicts();
          const asExpected = [...expected].every(([image, want]) => found.get(image) === want);
          say(
            asExpected ? "demo: both verdicts as expected" : "demo: a verdict was not as expected",
          );
          return asExpected ? 0 : 1;
        }
        say(
          `demo: push again (docker push ${pushed[0] ?? ""}) to see another run; Ctrl-C stops the demo`,
        );
      }
      if (once && Date.now() - started > ONCE_TIMEOUT_MS) {
        say(
          `demo: no verdict for both runs within ${ONCE_TIMEOUT_MS / 1000} s; see ${join(DIR, "pushgate.log")}`,
        );
        return 1;
      }
    }
  } finally {
    await cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
