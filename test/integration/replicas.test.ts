import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { JENKINS_PARAMETER_NAMES } from "../../src/actions/jenkins-parameters-of.js";
import { buildTestImage } from "../support/build-test-image.js";
import { containersWith } from "../support/docker-objects.js";
import { getJson, post } from "../support/http.js";
import { startHttpReceiver, type HttpReceiver } from "../support/http-receiver.js";
import { startJenkinsStandin, type JenkinsStandin } from "../support/jenkins-standin.js";
import { freshDatabase } from "../support/postgres.js";
import { sharedRegistry } from "../support/registry.js";
import { postgresCtl, startReplica, type Replica } from "../support/replicas.js";
import { pushToHub, waitForRun } from "../support/runs.js";
import { openEventStream } from "../support/sse.js";
import { API_TOKEN, WEBHOOK_TOKEN } from "../support/test-config.js";
import { waitFor } from "../support/wait-for.js";

// Several pushgate processes on one PostgreSQL database and the real engine: what they share
// (the queue, the limits, cancels, logs) and how one takes over from another that died.
const ns = `replicas-${randomBytes(4).toString("hex")}`;
const TOKEN = "replica-jenkins-token-1";
let jenkins: JenkinsStandin;
let hooks: HttpReceiver;
const replicas: Replica[] = [];
const drops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const registry = sharedRegistry();
  [jenkins, hooks] = await Promise.all([
    startJenkinsStandin({
      users: { pushgate: { token: TOKEN } },
      jobs: {
        "deploy/web": { parameters: [...JENKINS_PARAMETER_NAMES] },
        // A build pushgate waits for, a few seconds: a replica dies meanwhile.
        "deploy/slow": { parameters: [...JENKINS_PARAMETER_NAMES], buildPolls: 12 },
      },
    }),
    startHttpReceiver(),
    buildTestImage({
      reference: `${registry}/${ns}/chatty:v1`,
      lines: ['CMD ["sh", "-c", "echo started; sleep 4; echo finished"]'],
    }),
    buildTestImage({ reference: `${registry}/${ns}/long:v1`, lines: ['CMD ["sleep", "30"]'] }),
    buildTestImage({ reference: `${registry}/${ns}/quick:v1`, lines: ['CMD ["true"]'] }),
  ]);
}, 120_000);
afterEach(async () => {
  await Promise.all(replicas.splice(0).map((replica) => replica.kill("SIGTERM")));
  for (const drop of drops.splice(0)) await drop();
});
afterAll(() => Promise.all([jenkins?.close(), hooks?.close()]));

async function database(): Promise<string> {
  const db = await freshDatabase();
  drops.push(db.drop);
  return db.url;
}

const config = (actions = "") => `
registries: [{ host: docker.io, mirror: "${sharedRegistry()}" }]
jenkins: { url: "${jenkins.url}", user: pushgate, token: ${TOKEN} }
docker: { concurrency: 2 }
actions: { backoff: 200ms, maxBackoff: 400ms }
pipelines:
  - { name: chatty, match: { repository: "${ns}/chatty" }, test: { timeout: 30s }${actions} }
  - { name: long, match: { repository: "${ns}/long" }, test: { timeout: 60s } }
  - name: quick
    match: { repository: "${ns}/quick" }
    concurrency: 3
    on: { success: [{ jenkins: { job: deploy/web } }] }
`;

async function replica(url: string, actions = ""): Promise<Replica> {
  const started = await startReplica(url, config(actions));
  replicas.push(started);
  return started;
}

const api = (replica: Replica, path: string) => getJson(`${replica.url}${path}`, API_TOKEN);

describe("intake on any replica", () => {
  it("makes one run of a delivery posted to two replicas at the same moment, 50 times in a row", async () => {
    const url = await database();
    const [a, b] = [await replica(url), await replica(url)];
    await post(`${a.url}/api/queue/pause`, "", { authorization: `Bearer ${API_TOKEN}` });
    const answers: number[] = [];
    for (let i = 0; i < 50; i++) {
      const delivery = {
        push_data: { tag: "v1", pushed_at: 1_800_000_000 + i, pusher: "ci" },
        repository: { repo_name: `${ns}/quick` },
      };
      const both = await Promise.all(
        [a, b].map((r) => post(`${r.url}/dockerhub-webhook/${WEBHOOK_TOKEN}/notify`, delivery)),
      );
      answers.push(...both.map((answer) => answer.status));
    }
    expect(answers.filter((status) => status === 202)).toHaveLength(50);
    expect(answers.filter((status) => status === 200)).toHaveLength(50);
    const { json } = await api(b, `/api/runs?limit=200&repository=${ns}/quick`);
    expect(json.runs).toHaveLength(50);
    // The pause is one state for the fleet.
    expect((await api(b, "/api/queue")).json).toMatchObject({ paused: true, queued: 50 });
  });
});

describe("steering from any replica", () => {
  it("follows on B the output of a run testing on A, and cancels it from B: its container goes", async () => {
    const url = await database();
    const a = await replica(url);
    const [id = ""] = await pushToHub(a.url, `${ns}/long`, "v1");
    await waitForRun(a.url, id, ["testing"]);
    const b = await replica(url);

    const [chatty = ""] = await pushToHub(b.url, `${ns}/chatty`, "v1");
    const held = await waitForRun(b.url, chatty, ["testing"]);
    const stream = await openEventStream(`${a.url}/api/runs/${chatty}/log?follow=1`, API_TOKEN);
    const texts: string[] = [];
    let end: Record<string, unknown> | undefined;
    for (let event = await stream.next(); event; event = await stream.next()) {
      if (event.event === "output") texts.push(String(event.data.text));
      if (event.event === "end") end = event.data;
    }
    expect(held.state).toBe("testing");
    expect(texts.join("")).toBe("started\nfinished\n");
    expect(end).toMatchObject({ state: "passed", exitCode: 0 });

    expect(await containersWith(`pushgate.run=${id}`)).toHaveLength(1);
    const asked = Date.now();
    const cancel = await post(`${b.url}/api/runs/${id}/cancel`, "", {
      authorization: `Bearer ${API_TOKEN}`,
    });
    expect(cancel.status).toBe(200);
    expect(cancel.json).toMatchObject({ state: "cancelled" });
    await waitFor("the container to be gone", async () =>
      (await containersWith(`pushgate.run=${id}`)).length === 0 ? true : undefined,
    );
    expect(Date.now() - asked).toBeLessThan(3000);
  });
});

describe("a replica that dies", () => {
  it("killed while testing: another takes the run over after its lease, tests it again, one trigger", async () => {
    const url = await database();
    const onSuccess = `, on: { success: [{ jenkins: { job: deploy/web } }] }`;
    const a = await replica(url, onSuccess);
    const [id = ""] = await pushToHub(a.url, `${ns}/chatty`, "v1");
    await waitForRun(a.url, id, ["testing"]);
    const b = await replica(url, onSuccess);
    const [first] = await containersWith(`pushgate.run=${id}`);
    await a.kill("SIGKILL");
    const killed = Date.now();

    const run = await waitForRun(b.url, id, ["passed", "failed", "errored"], 30_000);
    expect(run).toMatchObject({ state: "passed", attempt: 2 });
    expect(Date.now() - killed).toBeGreaterThan(1500); // not before the 2 s lease ran out
    expect(jenkins.triggers.filter((t) => t.sent.PUSHGATE_RUN_ID === id)).toHaveLength(1);
    // B shares A's engine: it removed what A's attempt left.
    expect(await containersWith(`pushgate.run=${id}`)).not.toContain(first);
  });

  it("killed while acting: actions not confirmed are sent again, confirmed ones are not", async () => {
    const url = await database();
    const actions = `, on: { success: [
      { webhook: { url: "${hooks.url}/before" } },
      { jenkins: { job: deploy/slow, wait: true, waitTimeout: 5m } },
      { webhook: { url: "${hooks.url}/after" } }] }`;
    const a = await replica(url, actions);
    const [id = ""] = await pushToHub(a.url, `${ns}/chatty`, "v1");
    await waitFor("the Jenkins build to be queued", () =>
      jenkins.triggers.some((t) => t.sent.PUSHGATE_RUN_ID === id) ? true : undefined,
    );
    const b = await replica(url, actions);
    await a.kill("SIGKILL");
    expect(hooks.requests.filter((r) => r.path === "/after")).toHaveLength(0);
    // B takes the run over after A's lease: it follows the build A had queued, then goes on.
    const run = await waitForRun(b.url, id, ["passed", "failed", "errored"], 40_000);
    expect(run).toMatchObject({ state: "passed", attempt: 1 });
    const { json } = await api(b, `/api/runs/${id}`);
    const states = (json.actions as { id: string; state: string }[]).map((a) => a.state);
    expect(states).toEqual(["done", "done", "done"]);
    const sentTo = (path: string) => hooks.requests.filter((r) => r.path === path).length;
    expect([sentTo("/before"), sentTo("/after")]).toEqual([1, 1]);
    expect(jenkins.triggers.filter((t) => t.sent.PUSHGATE_RUN_ID === id)).toHaveLength(1);
  });
});

describe("three replicas on one queue", () => {
  it("finish 300 pushes spread over them exactly once, never past the pipeline's limit fleet-wide", async () => {
    const url = await database();
    const fleet = await Promise.all([replica(url), replica(url), replica(url)]);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      // Sampled from the database while they run: runs of the pipeline being pulled or tested.
      let most = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const { rows } = await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM runs WHERE pipeline = 'quick'
               AND state IN ('pulling', 'testing')`,
          );
          most = Math.max(most, rows[0]?.n ?? 0);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      const ids = (
        await Promise.all(
          Array.from({ length: 300 }, (_, i) =>
            pushToHub((fleet[i % 3] as Replica).url, `${ns}/quick`, "v1"),
          ),
        )
      ).flat();
      expect(new Set(ids).size).toBe(300);
      await waitFor(
        "every run to end",
        async () => {
          const { rows } = await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM runs WHERE state IN ('passed', 'failed', 'errored')`,
          );
          return rows[0]?.n === 300 ? true : undefined;
        },
        240_000,
      );
      sampling = false;
      await sampler;
      const { rows } = await db.query<{ state: string; attempt: number; n: number }>(
        "SELECT state, attempt, count(*)::int AS n FROM runs GROUP BY state, attempt",
      );
      expect(rows).toEqual([{ state: "passed", attempt: 1, n: 300 }]);
      expect(most).toBeLessThanOrEqual(3);
      expect(most).toBeGreaterThan(1);
      const triggers = jenkins.triggers.filter((t) => ids.includes(t.sent.PUSHGATE_RUN_ID ?? ""));
      expect(triggers).toHaveLength(300);
      expect(new Set(triggers.map((t) => t.sent.PUSHGATE_RUN_ID)).size).toBe(300);
      // Each replica executed some of them.
      for (const member of fleet) {
        expect(member.output.some((line) => line.includes('"state":"passed"'))).toBe(true);
      }
    } finally {
      await db.end();
    }
  }, 300_000);
});

describe("the database restarted under load", () => {
  it("gets 503 while it is down, and every delivery a registry retries is recorded once it is back", async () => {
    const url = await database();
    const fleet = [await replica(url), await replica(url)];
    await post(`${fleet[0]?.url}/api/queue/pause`, "", { authorization: `Bearer ${API_TOKEN}` });
    const statuses: number[] = [];
    const accepted: string[] = [];
    // A registry: each delivery is sent until it is answered 202 (or 200), waiting between.
    const send = async (i: number): Promise<void> => {
      const delivery = {
        push_data: { tag: "v1", pushed_at: 1_900_000_000 + i, pusher: "ci" },
        repository: { repo_name: `${ns}/quick` },
      };
      for (let tries = 0; tries < 200; tries++) {
        const target = fleet[(i + tries) % 2] as Replica;
        const answer = await post(
          `${target.url}/dockerhub-webhook/${WEBHOOK_TOKEN}/notify`,
          delivery,
        );
        statuses.push(answer.status);
        if (answer.status === 202) accepted.push(...(answer.json.runs as string[]));
        if (answer.status < 300) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`delivery ${i} was never recorded`);
    };
    const load = (async () => {
      for (let i = 0; i < 60; i++) {
        await send(i);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 600));
    await postgresCtl("stop");
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await postgresCtl("start");
    await load;

    expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(0);
    expect(accepted).toHaveLength(60);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const { rows } = await db.query<{ id: string }>("SELECT id FROM runs");
      expect(rows.map((row) => row.id).sort()).toEqual([...accepted].sort());
    } finally {
      await db.end();
    }
    const ready = await getJson(`${fleet[1]?.url}/readyz`);
    expect(ready).toMatchObject({ status: 200, json: { checks: { store: "ok" } } });
  }, 120_000);
});
