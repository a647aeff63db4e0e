import { randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestImage, pushWithLogin, removeLocalImage } from "../support/build-test-image.js";
import { getJson } from "../support/http.js";
import { freePort } from "../support/ports.js";
import {
  manifestDigest,
  registryTags,
  startRegistry,
  type TestRegistry,
} from "../support/registry.js";
import { waitForRun, type RunJson } from "../support/runs.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { API_TOKEN, WEBHOOK_TOKEN } from "../support/test-config.js";
import { waitFor } from "../support/wait-for.js";

/**
 * Promotion against the real registry (Debian's docker-registry) with htpasswd auth, which
 * also notifies pushgate of every push, promotions included: real `docker push`es in, real
 * tests in the engine, digests read back from the registry's HTTP API.
 */

const ns = `promote-${randomBytes(4).toString("hex")}`;
const USER = { username: "pusher", password: "right-password-42" };
const REVISION = "c0ffee0123456789c0ffee0123456789c0ffee01";
const BROKEN_REVISION = "bad0bad0bad0bad0bad0bad0bad0bad0bad0bad0";
const local = (name: string) => `pushgate-local/${ns}-${name}:v1`;

interface PromotionJson {
  tag: string;
  digest: string;
  pushedDigest: string | null;
}
interface RunView extends RunJson {
  event: { repository: string; tag: string };
  promotions: PromotionJson[];
  actions: { id: string; state: string; attempts: number; result: Record<string, unknown> }[];
}

let registry: TestRegistry;
/** A registry pushgate holds a wrong password for. */
let locked: TestRegistry;
let pushgate: TestPushgate;
let drains = 0;
const pushed: string[] = [];

beforeAll(async () => {
  const port = await freePort();
  const htpasswd = `${USER.username}:${bcrypt.hashSync(USER.password, 5)}\n`;
  locked = await startRegistry({ htpasswd });
  registry = await startRegistry({
    htpasswd,
    notifications: [
      {
        url: `http://127.0.0.1:${port}/dockerregistry-webhook/notify`,
        headers: { Authorization: [`Bearer ${WEBHOOK_TOKEN}`] },
        timeout: "2s",
        threshold: 3,
        backoff: "1s",
      },
    ],
  });
  const source = "LABEL org.opencontainers.image.source=https://git.example/acme/app";
  await Promise.all([
    buildTestImage({
      reference: local("pass"),
      lines: [`${source} org.opencontainers.image.revision=${REVISION}`, 'CMD ["true"]'],
      push: false,
    }),
    buildTestImage({
      reference: local("broken"),
      lines: [
        `${source} org.opencontainers.image.revision=${BROKEN_REVISION}`,
        'CMD ["sh", "-c", "exit 3"]',
      ],
      push: false,
    }),
    buildTestImage({
      reference: local("fresh"),
      lines: ["LABEL pushgate.test=fresh", 'CMD ["true"]'],
      push: false,
    }),
  ]);
  pushgate = await startTestPushgate(
    `
registries:
  - { host: "${registry.host}", username: ${USER.username}, password: ${USER.password} }
  - { host: "${locked.host}", username: ${USER.username}, password: wrong-password-42 }
docker: { pullTimeout: 60s }
actions: { attempts: 3, backoff: 200ms }
pipelines:
  - name: gate
    match: { repository: "${registry.host}/${ns}/*", tags: ["v*", broken, stable, "sha-*"] }
    test: { timeout: 30s, resources: { memory: 48m, cpus: 0.5, pids: 64 } }
    promote: { repository: "${registry.host}/${ns}/released", tags: [stable, "sha-{{revision}}"] }
  - name: refused
    match: { repository: "${registry.host}/${ns}/app", tags: [refused] }
    test: { timeout: 30s, resources: { memory: 48m, cpus: 0.5, pids: 64 } }
    promote: { repository: "${locked.host}/${ns}/app", tags: [stable] }
    on: { success: [{ webhook: { url: "http://127.0.0.1:9/deploy" } }] }
`,
    { env: { PORT: String(port) }, executeRuns: true },
  );
}, 120_000);
afterAll(async () => {
  await pushgate?.stop();
  await registry?.destroy();
  await locked?.destroy();
  for (const image of [...pushed, local("pass"), local("broken"), local("fresh")]) {
    await removeLocalImage(image);
  }
});

async function push(image: string, repository: string, tag: string): Promise<string> {
  const reference = `${registry.host}/${ns}/${repository}:${tag}`;
  pushed.push(reference);
  const digest = await pushWithLogin(local(image), reference, USER);
  if (!digest) throw new Error(`no digest for ${reference}`);
  return digest;
}

async function runsOf(repository: string): Promise<RunView[]> {
  const { json } = await getJson(
    `${pushgate.url}/api/runs?repository=${ns}/${repository}`,
    API_TOKEN,
  );
  return json.runs as RunView[];
}

/** The run of a push, once the registry's notification of it is recorded and it has ended. */
async function endedRunOf(repository: string, tag: string): Promise<RunView> {
  const run = await waitFor(`a run of ${repository}:${tag}`, async () =>
    (await runsOf(repository)).find((r) => r.event.tag === tag),
  );
  await waitForRun(pushgate.url, run.id);
  const { json } = await getJson(`${pushgate.url}/api/runs/${run.id}`, API_TOKEN);
  return json as unknown as RunView;
}

const answered = (outcome: string) =>
  pushgate.logLines.filter((line) => line.includes(`"outcome":"${outcome}"`)).length;

/**
 * Waits until every notification the registry sent so far is answered: the registry sends
 * an endpoint's events in order, so once a marker push (a tag no pipeline takes) is answered,
 * all before it were.
 */
async function drain(): Promise<void> {
  const before = answered("no-match");
  await push("pass", "app", `drain-${++drains}`);
  await waitFor("the marker's notification", () =>
    answered("no-match") > before ? true : undefined,
  );
}

const credentials = USER;

describe("promotion of the tested digest", () => {
  it("after a pass, each promoted tag holds the tested digest, pushed with the registry's credentials", async () => {
    const digest = await push("pass", "app", "v1");
    const run = await endedRunOf("app", "v1");
    expect(run.state).toBe("passed");
    expect(run.imageDigest).toBe(digest);
    expect(await manifestDigest(registry.host, `${ns}/released`, "stable", credentials)).toBe(
      digest,
    );
    expect(
      await manifestDigest(registry.host, `${ns}/released`, `sha-${REVISION}`, credentials),
    ).toBe(digest);
    expect(run.promotions.map((p) => [p.tag, p.digest, p.pushedDigest])).toEqual([
      ["stable", digest, digest],
      [`sha-${REVISION}`, digest, digest],
    ]);
    expect(run.actions).toMatchObject([{ id: "promote", state: "done", attempts: 2 }]);
  });

  it("the registry's notifications of the promoted tags start no run: answered promoted", async () => {
    await drain();
    expect(await runsOf("released")).toEqual([]);
    expect(answered("promoted")).toBeGreaterThan(0);
  });

  it("after a failure nothing is pushed", async () => {
    const before = await manifestDigest(registry.host, `${ns}/released`, "stable", credentials);
    await push("broken", "app", "broken");
    const run = await endedRunOf("app", "broken");
    expect(run.state).toBe("failed");
    expect(run.promotions).toEqual([]);
    expect(run.actions).toEqual([]);
    expect(await registryTags(registry.host, `${ns}/released`, credentials)).toEqual([
      `sha-${REVISION}`,
      "stable",
    ]);
    expect(await manifestDigest(registry.host, `${ns}/released`, "stable", credentials)).toBe(
      before,
    );
  });

  it("a registry refusing the credentials fails the promotion with its words after one try; on.success is not sent", async () => {
    await push("pass", "app", "refused");
    const run = await endedRunOf("app", "refused");
    expect(run.state).toBe("passed");
    const [promote, deploy] = run.actions as (RunView["actions"][number] & { error: string })[];
    expect(promote).toMatchObject({ id: "promote", state: "failed", attempts: 1 });
    expect(promote?.error).toMatch(
      new RegExp(
        `^registry refused to take ${locked.host}/${ns}/app:stable \\(check registries\\[\\]\\.username/password\\): .*(unauthorized|authentication required)`,
      ),
    );
    expect(deploy).toMatchObject({
      id: "success.0",
      state: "failed",
      error: "not sent: the promotion failed",
    });
    expect(run.promotions).toEqual([]);
    expect(await registryTags(locked.host, `${ns}/app`, credentials)).toEqual([]);
  });

  it("the promoted tag pushed by hand with a new digest starts a run, whose own promotion starts none", async () => {
    const digest = await push("fresh", "released", "stable");
    const run = await endedRunOf("released", "stable");
    expect(run.state).toBe("passed");
    expect(run.imageDigest).toBe(digest);
    // It promotes what it tested in turn; the image names no commit, so sha-{{revision}} is skipped.
    expect(run.promotions.map((p) => [p.tag, p.pushedDigest])).toEqual([["stable", digest]]);
    expect(run.actions[0]?.result.skipped).toEqual(["sha-{{revision}}: {{revision}} is empty"]);
    await drain();
    expect((await runsOf("released")).map((r) => r.id)).toEqual([run.id]);
  });
});
