import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestImage } from "../support/build-test-image.js";
import { containersWith, inspect } from "../support/docker-objects.js";
import { getJson } from "../support/http.js";
import { sharedRegistry } from "../support/registry.js";
import { pushToHub, runLogText, waitForRun } from "../support/runs.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { API_TOKEN } from "../support/test-config.js";

// Docker Hub pushes, pulled through the suite's registry acting as the docker.io mirror.
const ns = `runner-${randomBytes(4).toString("hex")}`;
let registry: string;
let pushgate: TestPushgate;
const digests: Record<string, string | undefined> = {};

beforeAll(async () => {
  registry = sharedRegistry();
  const image = (name: string, lines: string[]) =>
    buildTestImage({ reference: `${registry}/${ns}/${name}:v1`, lines }).then(
      (digest) => (digests[name] = digest),
    );
  await Promise.all([
    image("pass", [
      'CMD ["sh", "-c", "echo all tests passed; echo \\"run $PUSHGATE_RUN_ID for $IMAGE_NAME ($DOCKER_REPO $DOCKER_TAG) GREETING=$GREETING\\""]',
    ]),
    image("fail", ['CMD ["sh", "-c", "echo 1 test failed >&2; exit 3"]']),
    image("labelled", [
      'LABEL pushgate.test.command="[\\"sh\\",\\"-c\\",\\"echo tested by label\\"]"',
      'CMD ["false"]',
    ]),
    image("badlabel", ['LABEL pushgate.test.command="make test"', 'CMD ["true"]']),
    image("nocmd", []),
    image("chatty", [
      'CMD ["sh", "-c", "echo FIRST; head -c 300000 /dev/zero | tr \\"\\\\0\\" x; echo; echo LAST"]',
    ]),
    image("slow", ['CMD ["sleep", "6"]']),
  ]);
  pushgate = await startTestPushgate(
    `
registries: [{ host: docker.io, mirror: "${registry}" }]
docker: { concurrency: 2, pullTimeout: 60s }
pipelines:
  - name: default
    match: { repository: "${ns}/*" }
    test:
      env: { GREETING: hello, PUSHGATE_RUN_ID: not-this-one }
      timeout: 30s
      resources: { memory: 48m, cpus: 0.5, pids: 64 }
`,
    { executeRuns: true },
  );
}, 180_000);
afterAll(() => pushgate?.stop());

const runOf = async (name: string) => {
  const [id] = await pushToHub(pushgate.url, `${ns}/${name}`, "v1");
  if (!id) throw new Error("no run queued");
  return { id, run: await waitForRun(pushgate.url, id) };
};

describe("a pushed image's tests", () => {
  it("pass: state passed, exit 0, the pulled digest recorded, step timings, output stored", async () => {
    const { id, run } = await runOf("pass");
    expect(run).toMatchObject({ state: "passed", exitCode: 0, attempt: 1, reason: null });
    expect(run.imageDigest).toBe(digests.pass);
    for (const step of ["pull", "test"]) {
      expect(run.steps[step]?.ms, step).toBeGreaterThanOrEqual(0);
    }
    const log = await runLogText(pushgate.url, id);
    expect(log.status).toBe(200);
    expect(log.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(log.text).toContain("all tests passed");
    // The Docker Hub autotest variables, pushgate's own winning over test.env.
    expect(log.text).toContain(`run ${id} for ${ns}/pass:v1 (${ns}/pass v1) GREETING=hello`);
    const states = pushgate.logLines
      .filter((l) => l.includes('"message":"run state"') && l.includes(id))
      .map((l) => (JSON.parse(l) as { state: string }).state);
    expect(states).toEqual(["queued", "pulling", "testing", "passed"]);
  });

  it("fail: state failed with exit code 3 and its stderr in the log", async () => {
    const { id, run } = await runOf("fail");
    expect(run).toMatchObject({ state: "failed", exitCode: 3, reason: "exit code 3" });
    expect((await runLogText(pushgate.url, id)).text).toBe("1 test failed\n");
    const json = await getJson(`${pushgate.url}/api/runs/${id}/log?format=json`, API_TOKEN);
    expect(json.json).toMatchObject({
      state: "failed",
      head: [{ stream: "stderr", text: "1 test failed\n" }],
      droppedBytes: 0,
    });
  });

  it("runs the image's pushgate.test.command label when test.command is omitted", async () => {
    const { id, run } = await runOf("labelled");
    expect(run.state).toBe("passed");
    expect((await runLogText(pushgate.url, id)).text).toBe("tested by label\n");
  });

  it.each([
    ["nocmd", /^the image has no command to run: set test\.command/],
    ["badlabel", /pushgate\.test\.command must be a JSON array of strings/],
  ])("%s: errored with a reason saying what to fix", async (name, reason) => {
    const { run } = await runOf(name);
    expect(run.state).toBe("errored");
    expect(run.reason).toMatch(reason);
  });

  it("keeps the head and tail of a long output and says how much was dropped", async () => {
    const { id, run } = await runOf("chatty");
    expect(run.state).toBe("passed");
    const log = await runLogText(pushgate.url, id);
    expect(log.text.startsWith("FIRST\nxxx")).toBe(true);
    expect(log.text.endsWith("xxx\nLAST\n")).toBe(true);
    const total = 6 + 300_000 + 1 + 5;
    expect(Number(log.headers.get("pushgate-output-bytes"))).toBe(total);
    const dropped = total - 2 * 64 * 1024;
    expect(Number(log.headers.get("pushgate-dropped-bytes"))).toBe(dropped);
    expect(log.text).toContain(`[pushgate: ${dropped} bytes of output dropped]`);
  });

  it("runs locked down, on the exact image pulled, with the configured limits", async () => {
    const [id] = await pushToHub(pushgate.url, `${ns}/slow`, "v1");
    let containers: string[] = [];
    const deadline = Date.now() + 30_000;
    while (containers.length === 0 && Date.now() < deadline) {
      containers = await containersWith(`pushgate.run=${id ?? ""}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(containers).toHaveLength(1);
    const info = (await inspect(containers[0] ?? "")) as {
      Image: string;
      Config: { Labels: Record<string, string> };
      HostConfig: Record<string, unknown>;
    };
    expect(info.HostConfig).toMatchObject({
      NetworkMode: "none",
      Privileged: false,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      Memory: 48 * 1024 * 1024,
      NanoCpus: 500_000_000,
      PidsLimit: 64,
    });
    expect(info.Config.Labels["pushgate.run"]).toBe(id);
    expect(info.Config.Labels["pushgate.instance"]).toMatch(/^[0-9a-f]{16}$/);
    const pulled = (await inspect(`${registry}/${ns}/slow@${digests.slow ?? ""}`)) as {
      Id: string;
    };
    expect(info.Image).toBe(pulled.Id);
    const run = await waitForRun(pushgate.url, id ?? "");
    expect(run.state).toBe("passed");
    expect(await containersWith(`pushgate.run=${id ?? ""}`)).toEqual([]);
  });

  it("answers 404 for the log of an unknown run and 400 for an unknown format", async () => {
    const missing = await runLogText(pushgate.url, "01ARZ3NDEKTSV4RRFFQ69G5FAV");
    expect(missing.status).toBe(404);
    const [id] = await pushToHub(pushgate.url, `${ns}/pass`, "v1");
    const bad = await getJson(`${pushgate.url}/api/runs/${id ?? ""}/log?format=xml`, API_TOKEN);
    expect(bad.status).toBe(400);
    expect(bad.json.problems).toEqual([expect.objectContaining({ path: "format" })]);
  });
});
