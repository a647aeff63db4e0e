import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestImage } from "../support/build-test-image.js";
import { docker } from "../support/docker-cli.js";
import {
  containersWith,
  engineEventsOf,
  networksWith,
  volumesWith,
} from "../support/docker-objects.js";
import { getJson } from "../support/http.js";
import { fileLines } from "../support/image-file-lines.js";
import { sharedRegistry } from "../support/registry.js";
import { pushToHub, runLogText, waitForRun } from "../support/runs.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { API_TOKEN, tempDir } from "../support/test-config.js";

// Compose test files (Autotest's docker-compose.test.yml) carried by the image or named by
// the pipeline, run by the real engine against the pushed digest.
const ns = `compose-${randomBytes(4).toString("hex")}`;
let pushgate: TestPushgate;
const registry = () => sharedRegistry();
const app = () => `${registry()}/${ns}/app`;

/** A service that answers "pong" on 5432 once ready, and says so through its healthcheck. */
const DB = `
  db:
    image: \${IMAGE_NAME}
    command: ["sh", "-c", "echo db starting; sleep 1; touch /data/ready; while true; do echo pong | nc -l -p 5432; done"]
    healthcheck: { test: "test -f /data/ready", interval: 200ms, retries: 100 }
    volumes: [data:/data]
`;
const FILES: Record<string, string> = {
  "healthy.yml": `version: "3.9"
x-note: ignored
services:
  sut:
    build: .
    command: ["sh", "-c", "nc db 5432 </dev/null && echo commit=$$SOURCE_COMMIT image=$$IMAGE_NAME"]
    depends_on:
      db: { condition: service_healthy }
${DB}
  outsider:
    image: \${IMAGE_NAME}
    command: ["sleep", "60"]
volumes:
  data:
`,
  // db runs an image of its own, named as on Docker Hub: pulled through the mirror.
  "failing.yml": `services:
  sut:
    build: { context: ., dockerfile: Dockerfile }
    command: sh -c "echo sut says no; exit 3"
    depends_on: [db]
${DB.replace("image: ${IMAGE_NAME}", `image: ${ns}/db:v1`)}
volumes: { data: }
`,
  "unhealthy.yml": `services:
  sut:
    image: \${IMAGE_NAME}
    command: ["true"]
    depends_on:
      db: { condition: service_healthy }
  db:
    image: $IMAGE_NAME
    command: ["sh", "-c", "echo db cannot start; sleep 60"]
    healthcheck: { test: ["CMD", "false"], interval: 200ms, retries: 2 }
`,
  "secret.yml": `services:
  sut:
    build: .
    command: ["sh", "-c", "echo token=[$$TOKEN] greeting=$$GREETING"]
    environment:
      TOKEN: "\${PUSHGATE_API_TOKEN}"
      GREETING: \${GREETING:-unset}
`,
  "required.yml": `services:
  sut:
    build: .
    environment:
      PASSWORD: \${DB_PASSWORD:?set DB_PASSWORD in the pipeline's test.env}
`,
};

beforeAll(async () => {
  // pushgate's own environment holds its secrets: a test file must never see them.
  process.env.PUSHGATE_API_TOKEN = API_TOKEN;
  const files = Object.entries(FILES).flatMap(([name, text]) => fileLines(`/t/${name}`, text));
  const base = `${app()}:files`;
  await buildTestImage({ reference: base, lines: files, push: false });
  const labelled = (tag: string, files: string, extra: string[] = []) =>
    buildTestImage({
      reference: `${app()}:${tag}`,
      from: base,
      lines: [`LABEL pushgate.test.compose="${files}"`, ...extra],
    });
  await labelled("healthy", "/t/healthy.yml", [
    "LABEL org.opencontainers.image.revision=0123abc org.opencontainers.image.source=https://git.example/acme/app",
  ]);
  await labelled("failing", "/t/failing.yml");
  await labelled("unhealthy", "/t/unhealthy.yml");
  await labelled("secret", "/t/secret.yml");
  await labelled("required", "/t/required.yml");
  // Relative paths are read from the image's working directory.
  await labelled("two", "healthy.yml , failing.yml", ["WORKDIR /t"]);
  await buildTestImage({ reference: `${registry()}/${ns}/db:v1`, lines: ['CMD ["true"]'] });
  await buildTestImage({
    reference: `${registry()}/${ns}/single:v1`,
    lines: [
      "LABEL org.label-schema.vcs-ref=feed42 org.label-schema.vcs-url=https://git.example/old",
      'CMD ["sh", "-c", "echo commit=$SOURCE_COMMIT"]',
    ],
  });
  // Files named by the pipeline, beside its config; the image carries none.
  await buildTestImage({ reference: `${registry()}/${ns}/plain:v1`, lines: ['CMD ["true"]'] });
  const dir = tempDir();
  writeFileSync(
    join(dir, "pass.test.yml"),
    `services:\n  sut:\n    build: .\n    command: ["sh", "-c", "echo first passed"]\n`,
  );
  writeFileSync(
    join(dir, "fail.test.yml"),
    `services:\n  sut:\n    image: \${IMAGE_NAME}\n    command: ["sh", "-c", "echo second failed; exit 2"]\n`,
  );
  pushgate = await startTestPushgate(
    `
registries: [{ host: docker.io, mirror: "${registry()}" }]
docker: { concurrency: 2 }
pipelines:
  - name: carried
    match: { repository: "${ns}/app" }
    test: { timeout: 40s }
  - name: single
    match: { repository: "${ns}/single" }
  - name: named-one
    match: { repository: "${ns}/plain", tags: [v1] }
    test: { compose: "${join(dir, "pass.test.yml")}", timeout: 30s }
  - name: named-two
    match: { repository: "${ns}/plain", tags: [v1] }
    test: { compose: ["${join(dir, "pass.test.yml")}", "${join(dir, "fail.test.yml")}"], timeout: 30s }
`,
    { dir, executeRuns: true },
  );
}, 120_000);
afterAll(async () => {
  await pushgate?.stop();
  delete process.env.PUSHGATE_API_TOKEN;
});

const runOf = async (repository: string, tag: string) => {
  const since = new Date();
  const ids = await pushToHub(pushgate.url, repository, tag);
  const runs = await Promise.all(ids.map((id) => waitForRun(pushgate.url, id)));
  return { ids, runs, since };
};

/** Nothing of the run is left in the engine. */
async function expectNothingLeft(id: string): Promise<void> {
  expect(await containersWith(`pushgate.run=${id}`)).toEqual([]);
  expect(await networksWith(`pushgate.run=${id}`)).toEqual([]);
  expect(await volumesWith(`pushgate.run=${id}`)).toEqual([]);
}

describe("a compose file carried by the image", () => {
  it("passes when sut reaches a service it waited for to be healthy; only sut's dependencies start", async () => {
    const { ids, runs, since } = await runOf(`${ns}/app`, "healthy");
    const [id = ""] = ids;
    const log = (await runLogText(pushgate.url, id)).text;
    expect(runs[0], log).toMatchObject({ state: "passed", exitCode: 0 });
    expect(log).toBe(`pong\ncommit=0123abc image=${ns}/app:healthy\n`);
    await expectNothingLeft(id);

    // The pushed digest ran, in both `build: .` and `image: \${IMAGE_NAME}`: by the digest
    // the run records and by the image the engine started each container from.
    const pushed = await docker([
      "inspect",
      "--format",
      "{{index .RepoDigests 0}}",
      `${app()}:healthy`,
    ]);
    expect(`${registry()}/${ns}/app@${runs[0]?.imageDigest ?? ""}`).toBe(pushed);
    const imageId = await docker(["inspect", "--format", "{{.Id}}", pushed]);
    const started = (await engineEventsOf(id, since)).filter(
      (e) => e.Type === "container" && e.Action === "start",
    );
    const services = started.map((e) => e.Actor.Attributes["pushgate.compose.service"]);
    expect(services.sort()).toEqual(["db", "sut"]);
    expect(started.map((e) => e.Actor.Attributes.image)).toEqual([imageId, imageId]);
    // The outsider, which sut does not depend on, was never even created.
    const created = (await engineEventsOf(id, since)).filter((e) => e.Action === "create");
    expect(created.some((e) => e.Actor.Attributes["pushgate.compose.service"] === "outsider")).toBe(
      false,
    );

    const { json } = await getJson(`${pushgate.url}/api/runs/${id}`, API_TOKEN);
    expect(json.source).toEqual({
      url: "https://git.example/acme/app",
      revision: "0123abc",
      repository: null,
    });
  });

  it("fails when sut exits non-zero, keeping its output and its dependencies' last lines", async () => {
    const { ids, runs, since } = await runOf(`${ns}/app`, "failing");
    const [id = ""] = ids;
    expect(runs[0]).toMatchObject({
      state: "failed",
      exitCode: 3,
      reason: "/t/failing.yml (in the image): exit code 3",
    });
    expect((await runLogText(pushgate.url, id)).text).toBe(
      "sut says no\n[service db] db starting\n",
    );
    await expectNothingLeft(id);
    const dbImage = await docker(["inspect", "--format", "{{.Id}}", `${registry()}/${ns}/db:v1`]);
    const db = (await engineEventsOf(id, since)).find(
      (e) => e.Action === "start" && e.Actor.Attributes["pushgate.compose.service"] === "db",
    );
    expect(db?.Actor.Attributes.image).toBe(dbImage);
  });

  it("errors when a service never becomes healthy, with its last lines", async () => {
    const { ids, runs } = await runOf(`${ns}/app`, "unhealthy");
    const [id = ""] = ids;
    expect(runs[0]?.state).toBe("errored");
    expect(runs[0]?.reason).toBe(
      "/t/unhealthy.yml (in the image): service db is unhealthy: exit code 1, no output",
    );
    expect((await runLogText(pushgate.url, id)).text).toBe(
      `[service db] db cannot start\n[pushgate: errored: ${runs[0]?.reason ?? ""}]\n`,
    );
    await expectNothingLeft(id);
  });

  it("runs every file the label names, in order: the second failing fails the run", async () => {
    const { ids, runs } = await runOf(`${ns}/app`, "two");
    expect(runs[0]).toMatchObject({
      state: "failed",
      reason: "/t/failing.yml (in the image): exit code 3",
    });
    const log = (await runLogText(pushgate.url, ids[0] ?? "")).text;
    expect(log).toMatch(/^pong\ncommit= image=.*\nsut says no\n/);
  });
});

describe("interpolation", () => {
  it("never reads pushgate's own environment, and defaults apply", async () => {
    expect(process.env.PUSHGATE_API_TOKEN).toBe(API_TOKEN);
    const { ids, runs } = await runOf(`${ns}/app`, "secret");
    expect(runs[0]?.state).toBe("passed");
    expect((await runLogText(pushgate.url, ids[0] ?? "")).text).toBe("token=[] greeting=unset\n");
  });

  it("ends the run errored with the file's message when a required variable is unset", async () => {
    const { ids, runs, since } = await runOf(`${ns}/app`, "required");
    expect(runs[0]).toMatchObject({
      state: "errored",
      reason:
        "/t/required.yml (in the image): services.sut.environment.PASSWORD: required variable DB_PASSWORD is missing a value: set DB_PASSWORD in the pipeline's test.env",
    });
    const events = await engineEventsOf(ids[0] ?? "", since);
    expect(events.filter((e) => e.Type === "network")).toEqual([]);
  });
});

describe("a single-command test", () => {
  it("has SOURCE_COMMIT too, from label-schema's label when the OCI one is absent", async () => {
    const { ids, runs } = await runOf(`${ns}/single`, "v1");
    expect(runs[0]?.state).toBe("passed");
    expect((await runLogText(pushgate.url, ids[0] ?? "")).text).toBe("commit=feed42\n");
    const { json } = await getJson(`${pushgate.url}/api/runs/${ids[0] ?? ""}`, API_TOKEN);
    expect(json.source).toEqual({
      url: "https://git.example/old",
      revision: "feed42",
      repository: null,
    });
  });
});

describe("compose files named by the pipeline", () => {
  it("run; of a list, the second failing fails the run", async () => {
    const { ids, runs } = await runOf(`${ns}/plain`, "v1");
    const byPipeline = new Map<string, (typeof runs)[number]>();
    for (const [i, id] of ids.entries()) {
      const { json } = await getJson(`${pushgate.url}/api/runs/${id}`, API_TOKEN);
      const run = runs[i];
      if (run) byPipeline.set(String(json.pipeline), run);
    }
    expect(byPipeline.get("named-one")).toMatchObject({ state: "passed" });
    expect(byPipeline.get("named-two")).toMatchObject({
      state: "failed",
      exitCode: 2,
      reason: `${pushgate.dir}/fail.test.yml: exit code 2`,
    });
    for (const id of ids) await expectNothingLeft(id);
  });
});
