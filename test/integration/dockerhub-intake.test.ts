import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, fixtureBytes } from "../support/fixtures.js";
import { getJson, post } from "../support/http.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { API_TOKEN, OTHER_WEBHOOK_TOKEN, WEBHOOK_TOKEN } from "../support/test-config.js";

const PIPELINES = `
pipelines:
  - { name: web, match: { repository: "svendowideit/*", tags: ["latest", "v*"] } }
  - { name: everything-tagged-v, match: { repository: "**", tags: ["v*"] } }
  - { name: keel, match: { repository: karolisr/keel } }
`;

let pushgate: TestPushgate;
let hook: string;

const hubPayload = (repo: string, tag: string, pushedAt = 1_700_000_000) => ({
  push_data: { tag, pushed_at: pushedAt, pusher: "ci" },
  repository: { repo_name: repo },
});

/** Rows in the store, read through a second connection as an operator would. */
function countRows(): { events: number; runs: number } {
  const db = new Database(pushgate.dbPath, { readonly: true });
  try {
    const events = (db.prepare("SELECT count(*) AS n FROM events").get() as { n: number }).n;
    const runs = (db.prepare("SELECT count(*) AS n FROM runs").get() as { n: number }).n;
    return { events, runs };
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  pushgate = await startTestPushgate(PIPELINES);
  hook = `${pushgate.url}/dockerhub-webhook/${WEBHOOK_TOKEN}/notify`;
});
afterAll(async () => {
  await pushgate.stop();
});

describe("answers (DESIGN.md's table)", () => {
  it("202 with one run per matching pipeline, recorded before the answer", async () => {
    const before = countRows();
    const { status, json } = await post(hook, hubPayload("svendowideit/testhook", "v1.0"));
    expect(status).toBe(202);
    expect(json.status).toBe("queued");
    const runs = json.runs as string[];
    expect(runs).toHaveLength(2);
    expect(countRows()).toEqual({ events: before.events + 1, runs: before.runs + 2 });
    for (const id of runs) {
      const run = await getJson(`${pushgate.url}/api/runs/${id}`, API_TOKEN);
      expect(run.status).toBe(200);
      expect(run.json).toMatchObject({
        id,
        state: "queued",
        image: "svendowideit/testhook:v1.0",
        event: {
          source: "dockerhub",
          registry: "docker.io",
          repository: "svendowideit/testhook",
          tag: "v1.0",
          pusher: "ci",
        },
      });
    }
  });

  it("200 with the reason when no pipeline matches, and records nothing", async () => {
    const before = countRows();
    const { status, json } = await post(hook, hubPayload("someone/else", "latest"));
    expect(status).toBe(200);
    expect(json).toEqual({ status: "ignored", reason: "no pipeline matches someone/else:latest" });
    expect(countRows()).toEqual(before);
  });

  it("200 duplicate for a repeated delivery, one run only", async () => {
    const first = await post(hook, fixture("dockerhub-sample.json"));
    expect(first.status).toBe(202);
    const after = countRows();
    for (let i = 0; i < 3; i++) {
      const again = await post(hook, fixture("dockerhub-sample.json"));
      expect(again.status).toBe(200);
      expect(again.json.status).toBe("duplicate");
    }
    expect(countRows()).toEqual(after);
  });

  it("the same tag pushed again later is a new delivery", async () => {
    const a = await post(hook, hubPayload("karolisr/keel", "0.2", 1_700_000_100));
    const b = await post(hook, hubPayload("karolisr/keel", "0.2", 1_700_000_200));
    expect([a.status, b.status]).toEqual([202, 202]);
  });

  it("takes a body that starts with a UTF-8 byte order mark, and paths in any case", async () => {
    const bom = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(JSON.stringify(hubPayload("svendowideit/bom", "v1"))),
    ]);
    const withBom = await post(hook, bom, { "content-type": "application/json; charset=UTF-8" });
    expect(withBom.status).toBe(202);
    const upper = await post(
      hook.replace("/dockerhub-webhook/", "/DockerHub-Webhook/"),
      hubPayload("svendowideit/case", "v1"),
    );
    expect(upper.status).toBe(202);
  });

  it("accepts every documented payload, as Docker Hub sends them", async () => {
    const { status, json } = await post(hook, fixtureBytes("dockerhub-docs.json"));
    expect(status).toBe(202);
    const run = await getJson(`${pushgate.url}/api/runs/${(json.runs as string[])[0]}`, API_TOKEN);
    const event = run.json.event as { tag: string; callbackUrl: string };
    expect(event.tag).toBe("latest");
    expect(event.callbackUrl).toContain("registry.hub.docker.com");
  });

  it("takes the token in the path, the query, or a Bearer header, and any configured token", async () => {
    const base = `${pushgate.url}/dockerhub-webhook`;
    const variants: [string, Record<string, string>][] = [
      [`${base}/${OTHER_WEBHOOK_TOKEN}/notify`, {}],
      [`${base}/${WEBHOOK_TOKEN}`, {}],
      [`${base}/?token=${WEBHOOK_TOKEN}`, {}],
      [`${base}`, { authorization: `Bearer ${WEBHOOK_TOKEN}` }],
    ];
    let n = 0;
    for (const [url, headers] of variants) {
      const { status } = await post(url, hubPayload("svendowideit/x", `v-tok-${n++}`), {
        "content-type": "application/json",
        ...headers,
      });
      expect(status, url.replace(pushgate.url, "")).toBe(202);
    }
  });
});

describe("bad input gets a precise 4xx and leaves the store unchanged", () => {
  const valid = hubPayload("svendowideit/testhook", "v9");
  const json = { "content-type": "application/json" };
  type Case = [name: string, status: number, send: () => ReturnType<typeof post>, path?: string];
  const url = () => hook;
  const withBody =
    (body: unknown, headers: Record<string, string> = json) =>
    () =>
      post(url(), body, headers);
  const cases: Case[] = [
    ["malformed JSON", 400, withBody('{"push_data": {'), "(root)"],
    ["JSON with trailing garbage", 400, withBody('{"a":1} x'), "(root)"],
    ["a JSON array", 400, withBody("[]"), "(root)"],
    ["a JSON string", 400, withBody('"hello"'), "(root)"],
    ["JSON null", 400, withBody("null"), "(root)"],
    ["an empty body", 400, withBody(""), "(root)"],
    ["no repository", 400, withBody({ push_data: { tag: "v1" } }), "repository"],
    [
      "no repository.repo_name",
      400,
      withBody({ push_data: { tag: "v1" }, repository: {} }),
      "repository.repo_name",
    ],
    [
      "repo_name of the wrong type",
      400,
      withBody({ ...valid, repository: { repo_name: 42 } }),
      "repository.repo_name",
    ],
    ["repository as a string", 400, withBody({ ...valid, repository: "acme/web" }), "repository"],
    ["no push_data", 400, withBody({ repository: { repo_name: "acme/web" } }), "push_data"],
    ["push_data as a string", 400, withBody({ ...valid, push_data: "v1" }), "push_data"],
    ["tag as a number", 400, withBody({ ...valid, push_data: { tag: 1 } }), "push_data.tag"],
    [
      "pushed_at as text",
      400,
      withBody({ ...valid, push_data: { tag: "v1", pushed_at: "yesterday" } }),
      "push_data.pushed_at",
    ],
    [
      "pushed_at negative",
      400,
      withBody({ ...valid, push_data: { tag: "v1", pushed_at: -5 } }),
      "push_data.pushed_at",
    ],
    [
      "images not a list",
      400,
      withBody({ ...valid, push_data: { tag: "v1", images: "abc" } }),
      "push_data.images",
    ],
    [
      "pusher as an object",
      400,
      withBody({ ...valid, push_data: { tag: "v1", pusher: {} } }),
      "push_data.pusher",
    ],
    [
      "path traversal in the name",
      400,
      withBody(hubPayload("../etc/passwd", "v1")),
      "repository.repo_name",
    ],
    [
      "a shell command in the name",
      400,
      withBody(hubPayload("a;rm -rf /", "v1")),
      "repository.repo_name",
    ],
    [
      "upper case in the name",
      400,
      withBody(hubPayload("Svendowideit/Testhook", "v1")),
      "repository.repo_name",
    ],
    ["a name with spaces", 400, withBody(hubPayload("acme/web app", "v1")), "repository.repo_name"],
    [
      "a name too long",
      400,
      withBody(hubPayload(`a/${"b".repeat(300)}`, "v1")),
      "repository.repo_name",
    ],
    [
      "command substitution in the tag",
      400,
      withBody(hubPayload("acme/web", "$(reboot)")),
      "push_data.tag",
    ],
    [
      "path traversal in the tag",
      400,
      withBody(hubPayload("acme/web", "../../x")),
      "push_data.tag",
    ],
    [
      "a tag of 129 characters",
      400,
      withBody(hubPayload("acme/web", `v${"1".repeat(128)}`)),
      "push_data.tag",
    ],
    ["an empty tag", 400, withBody(hubPayload("acme/web", "")), "push_data.tag"],
    [
      "a javascript: callback_url",
      400,
      withBody({ ...valid, callback_url: "javascript:alert(1)" }),
      "callback_url",
    ],
    [
      "a file: callback_url",
      400,
      withBody({ ...valid, callback_url: "file:///etc/shadow" }),
      "callback_url",
    ],
    ["a numeric callback_url", 400, withBody({ ...valid, callback_url: 7 }), "callback_url"],
    ["a 2 MiB body", 413, withBody({ ...valid, padding: "x".repeat(2 * 1024 * 1024) })],
    [
      "form-encoded content type",
      415,
      withBody(JSON.stringify(valid), { "content-type": "application/x-www-form-urlencoded" }),
    ],
    ["an XML body", 415, withBody("<push/>", { "content-type": "application/xml" })],
    [
      "multipart form data",
      415,
      withBody("--b\r\n\r\n--b--", { "content-type": "multipart/form-data; boundary=b" }),
    ],
    ["no content type and not JSON", 415, withBody("hello", {})],
    [
      "JSON declared as UTF-16",
      415,
      withBody(JSON.stringify(valid), { "content-type": "application/json; charset=utf-16" }),
    ],
    [
      "an unsupported content encoding",
      415,
      withBody("{}", { ...json, "content-encoding": "compress" }),
    ],
    [
      "a gzip body that does not inflate",
      400,
      withBody("not gzip at all", { ...json, "content-encoding": "gzip" }),
    ],
    [
      "a deflate body that does not inflate",
      400,
      withBody("not deflate", { ...json, "content-encoding": "deflate" }),
    ],
    [
      "a brotli body that does not inflate",
      400,
      withBody("not br", { ...json, "content-encoding": "br" }),
    ],
    [
      "a wrong token in the path",
      403,
      () => post(`${pushgate.url}/dockerhub-webhook/not-the-token/notify`, valid),
    ],
    ["no token at all", 403, () => post(`${pushgate.url}/dockerhub-webhook/`, valid)],
    [
      "the plugin's tokenless /notify path",
      403,
      () => post(`${pushgate.url}/dockerhub-webhook/notify`, valid),
    ],
    ["a wrong ?token=", 403, () => post(`${pushgate.url}/dockerhub-webhook/?token=nope`, valid)],
    [
      "a wrong Bearer token",
      403,
      () =>
        post(`${pushgate.url}/dockerhub-webhook`, valid, { ...json, authorization: "Bearer nope" }),
    ],
    [
      "the token in other case",
      403,
      () => post(`${pushgate.url}/dockerhub-webhook/${WEBHOOK_TOKEN.toUpperCase()}/notify`, valid),
    ],
    [
      "the API token as webhook token",
      403,
      () => post(`${pushgate.url}/dockerhub-webhook/${API_TOKEN}/notify`, valid),
    ],
    [
      "GET on the webhook path",
      405,
      async () => {
        const response = await fetch(hook);
        return {
          status: response.status,
          json: (await response.json()) as Record<string, unknown>,
          headers: response.headers,
        };
      },
    ],
  ];

  it(`has at least 30 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)("%s → %i", async (_name, status, send, path) => {
    const before = countRows();
    const answer = await send();
    expect(answer.status).toBe(status);
    expect(typeof answer.json.error).toBe("string");
    expect(typeof answer.json.message).toBe("string");
    if (path !== undefined) {
      const problems = answer.json.problems as { path: string; message: string }[];
      expect(problems.map((p) => p.path)).toContain(path);
    }
    expect(countRows()).toEqual(before);
  });

  it("names the allowed method on 405", async () => {
    const response = await fetch(hook, { method: "PUT" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("answers unknown paths with a JSON 404", async () => {
    const response = await fetch(`${pushgate.url}/nope`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toBe("not_found");
  });
});

describe("logging", () => {
  it("logs one line per request and never a token", async () => {
    await post(
      `${pushgate.url}/dockerhub-webhook/?token=${WEBHOOK_TOKEN}`,
      hubPayload("svendowideit/a", "v-log"),
    );
    await post(`${pushgate.url}/dockerhub-webhook/wrong-token-guess/notify`, {});
    await getJson(`${pushgate.url}/api/runs`, API_TOKEN);
    const requests = pushgate.logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.message === "request");
    expect(requests.length).toBeGreaterThan(10);
    const all = pushgate.logLines.join("\n");
    for (const secret of [WEBHOOK_TOKEN, OTHER_WEBHOOK_TOKEN, API_TOKEN, "wrong-token-guess"]) {
      expect(all).not.toContain(secret);
    }
    expect(all).toContain('"path":"/dockerhub-webhook/?token=***"');
    expect(
      pushgate.logLines.some(
        (l) => l.includes('"message":"run state"') && l.includes('"state":"queued"'),
      ),
    ).toBe(true);
  });
});
