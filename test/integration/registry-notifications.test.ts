import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildTestImage,
  pushAs,
  pushManifestList,
  removeLocalImage,
} from "../support/build-test-image.js";
import { getJson } from "../support/http.js";
import { freePort } from "../support/ports.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";
import { spawnPushgate, type SpawnedPushgate } from "../support/spawn-pushgate.js";
import { API_TOKEN, WEBHOOK_TOKEN, tempDir, testConfigYaml } from "../support/test-config.js";
import { waitFor } from "../support/wait-for.js";

/**
 * A real distribution registry (Debian's docker-registry) whose notifications endpoint is
 * pushgate, the real process; real `docker push`es. What is checked is what pushgate
 * recorded for each push (and, for the first, that it tested the very digest pushed).
 */

interface RunView {
  id: string;
  state: string;
  image: string;
  imageDigest: string | null;
  event: { source: string; registry: string; repository: string; tag: string; digest: string };
}

let registry: TestRegistry;
let pushgate: SpawnedPushgate | undefined;
let port: number;
const dir = tempDir();
const localImages: string[] = [];

const yaml = () =>
  testConfigYaml(
    dir,
    `pipelines:\n  - { name: pushed, match: { repository: "${registry.host}/it/*" } }\n`,
  );
const startPushgate = () => spawnPushgate(dir, yaml(), { PORT: String(port) });

async function runsOf(repository: string): Promise<RunView[]> {
  if (!pushgate) throw new Error("pushgate is not running");
  const { json } = await getJson(
    `${pushgate.url}/api/runs?repository=${repository}&limit=200`,
    API_TOKEN,
  );
  return json.runs as RunView[];
}

/**
 * Pushes `tag` as a marker and waits for its run: the registry delivers one endpoint's events
 * in order, so once the marker is recorded every event sent before it has been answered.
 */
async function drainNotifications(source: string, tag: string): Promise<void> {
  const reference = `${registry.host}/it/app:${tag}`;
  localImages.push(reference);
  await pushAs(source, reference);
  await waitFor(`the run for ${tag}`, async () =>
    (await runsOf("it/app")).some((run) => run.event.tag === tag) ? true : undefined,
  );
}

const tagsOf = (runs: RunView[]) => runs.map((run) => run.event.tag).sort();

beforeAll(async () => {
  port = await freePort();
  registry = await startRegistry({
    notifications: [
      {
        url: `http://127.0.0.1:${port}/dockerregistry-webhook/notify`,
        headers: { Authorization: [`Bearer ${WEBHOOK_TOKEN}`] },
        timeout: "1s",
        threshold: 3,
        backoff: "1s",
      },
    ],
  });
  pushgate = await startPushgate();
});

afterAll(async () => {
  await pushgate?.kill("SIGTERM");
  await registry.destroy();
  for (const image of localImages) await removeLocalImage(image);
});

describe("a real registry notifying pushgate", () => {
  const app = () => `${registry.host}/it/app`;

  it("records exactly one run for a docker push, of the pushed digest", async () => {
    localImages.push(`${app()}:v1`);
    const digest = await buildTestImage({
      reference: `${app()}:v1`,
      lines: ["LABEL pushgate.test=notifications-v1", 'CMD ["sh", "-c", "echo ok"]'],
    });
    await drainNotifications(`${app()}:v1`, "v1-marker-1");

    const v1 = (await runsOf("it/app")).filter((run) => run.event.tag === "v1");
    expect(v1).toHaveLength(1);
    expect(v1[0]).toMatchObject({
      image: `${app()}:v1`,
      event: { source: "registry", registry: registry.host, repository: "it/app", digest },
    });
    const tested = await waitFor("the v1 run to be tested", async () => {
      const run = (await runsOf("it/app")).find((r) => r.event.tag === "v1");
      return run && ["passed", "failed", "errored"].includes(run.state) ? run : undefined;
    });
    expect(tested).toMatchObject({ state: "passed", imageDigest: digest });
  }, 180_000);

  it("records one run for a multi-arch list, none for its children pushed by digest", async () => {
    localImages.push(`${app()}:build-arm64`);
    await buildTestImage({
      reference: `${app()}:build-arm64`,
      lines: ["LABEL pushgate.test=notifications-arm64"],
    });
    const listDigest = await pushManifestList(
      `${registry.host}/it/multi:v1`,
      [`${app()}:v1`, `${app()}:build-arm64`],
      ["amd64", "arm64"],
    );
    await drainNotifications(`${app()}:v1`, "v1-marker-2");

    const multi = await runsOf("it/multi");
    expect(multi.map((run) => `${run.event.tag}@${run.event.digest}`)).toEqual([
      `v1@${listDigest}`,
    ]);
  }, 180_000);

  it("still has one run per push after pushgate was down while the registry retried", async () => {
    const stopped = pushgate;
    pushgate = undefined;
    expect(await stopped?.kill("SIGTERM")).toBe(0);

    // While pushgate is down: the same push again (same tag, same digest) and a new image.
    await pushAs(`${app()}:v1`, `${app()}:v1`);
    localImages.push(`${app()}:v2`);
    await buildTestImage({
      reference: `${app()}:v2`,
      lines: ["LABEL pushgate.test=notifications-v2"],
    });
    await waitFor("the registry to retry a failed delivery", () =>
      /retryingsink: error writing events/.test(registry.logs()) ? true : undefined,
    );

    pushgate = await startPushgate();
    await drainNotifications(`${app()}:v1`, "v1-marker-3");

    const runs = await runsOf("it/app");
    expect(tagsOf(runs)).toEqual([
      "build-arm64",
      "v1",
      "v1-marker-1",
      "v1-marker-2",
      "v1-marker-3",
      "v2",
    ]);
  }, 180_000);
});
