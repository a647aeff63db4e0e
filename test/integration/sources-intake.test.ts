import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, fixtureBytes } from "../support/fixtures.js";
import { getJson, post } from "../support/http.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { API_TOKEN, WEBHOOK_TOKEN } from "../support/test-config.js";

const GITHUB_SECRET = "It's a Secret to Everybody";
const REST = `
registries: [{ host: "127.0.0.1:45999", aliases: ["registry:5000"] }]
pipelines:
  - { name: team, match: { repository: "127.0.0.1:45999/team/*" } }
  - { name: azure, match: { repository: "myregistry.azurecr.io/*" } }
  - { name: harbor, match: { repository: "hub.harbor.com/test-webhook/*" } }
  - { name: quay, match: { repository: "quay.io/dgangaia/*" } }
  - { name: ghcr, match: { repository: "ghcr.io/utaitebox/*" } }
`;
const EVENTS_V1 = "application/vnd.docker.distribution.events.v1+json";
const EVENTS_V2 = "application/vnd.docker.distribution.events.v2+json";
const BEARER = { authorization: `Bearer ${WEBHOOK_TOKEN}` };

let pushgate: TestPushgate;
beforeAll(async () => {
  pushgate = await startTestPushgate(REST, {
    env: { GH: GITHUB_SECRET },
    auth: 'githubWebhookSecret: "${GH}"',
  });
});
afterAll(async () => {
  await pushgate.stop();
});

/** The image each queued run of an answer is for, as /api shows it. */
async function imagesOf(json: Record<string, unknown>): Promise<string[]> {
  const images: string[] = [];
  for (const id of json.runs as string[]) {
    const run = await getJson(`${pushgate.url}/api/runs/${id}`, API_TOKEN);
    images.push(run.json.image as string);
  }
  return images;
}

/** The captured tagged manifest push, with a field of its one event changed. */
function manifestPush(change: (event: Record<string, Record<string, unknown>>) => void): unknown {
  const body = structuredClone(fixture("registry-2.8-debian-captured-manifest-push.json")) as {
    events: Record<string, Record<string, unknown>>[];
  };
  const [event] = body.events;
  if (event) change(event);
  return body;
}

describe("POST /dockerregistry-webhook (distribution notifications)", () => {
  const notify = () => `${pushgate.url}/dockerregistry-webhook/notify`;

  it("queues one run for the tagged manifest push the registry sent, token as Bearer", async () => {
    const body = fixtureBytes("registry-2.8-debian-captured-manifest-push.json");
    const { status, json } = await post(notify(), body, { "content-type": EVENTS_V1, ...BEARER });
    expect(status).toBe(202);
    expect(await imagesOf(json)).toEqual(["127.0.0.1:45999/team/app:v1"]);

    const again = await post(notify(), body, { "content-type": EVENTS_V1, ...BEARER });
    expect([again.status, again.json.status]).toEqual([200, "duplicate"]);
  });

  it("reads registry 3's events.v2+json, token in the path, host put under its alias", async () => {
    const body = manifestPush((event) => {
      event.target = { ...event.target, tag: "v2" };
      event.request = { ...event.request, host: "registry:5000" };
    });
    const url = `${pushgate.url}/dockerregistry-webhook/${WEBHOOK_TOKEN}/notify`;
    const { status, json } = await post(url, body, { "content-type": EVENTS_V2 });
    expect(status).toBe(202);
    expect(await imagesOf(json)).toEqual(["127.0.0.1:45999/team/app:v2"]);
  });

  it("queues a run for each move of a tag, back to an earlier digest too; what it points at again is a duplicate", async () => {
    const push = (digestPrefix: string, at: string) =>
      manifestPush((event) => {
        const digest = `sha256:${digestPrefix}${"0".repeat(56)}`;
        event.target = { ...event.target, tag: "latest", digest };
        Object.assign(event, { timestamp: at });
      });
    const a = push("65c19fca", "2026-11-22T20:00:00Z");
    const b = push("75c19fca", "2026-11-22T20:01:00Z");
    const aAgain = push("65c19fca", "2026-11-22T20:02:00Z");
    const send = (body: unknown) => post(notify(), body, { "content-type": EVENTS_V1, ...BEARER });

    const runs: string[] = [];
    for (const body of [a, b, aAgain]) {
      const { status, json } = await send(body);
      expect([status, json.status]).toEqual([202, "queued"]);
      expect(await imagesOf(json)).toEqual(["127.0.0.1:45999/team/app:latest"]);
      runs.push(...(json.runs as string[]));
    }
    expect(new Set(runs).size).toBe(3);
    for (const body of [aAgain, a]) {
      const { status, json } = await send(body);
      expect([status, json.status]).toEqual([200, "duplicate"]);
    }

    const { json } = await getJson(`${pushgate.url}/api/runs?repository=team/app`, API_TOKEN);
    const latest = (json.runs as { event: { tag: string; digest: string } }[])
      .filter((run) => run.event.tag === "latest")
      .map((run) => run.event.digest.slice("sha256:".length, "sha256:".length + 8))
      .reverse();
    expect(latest).toEqual(["65c19fca", "75c19fca", "65c19fca"]);
  });

  it("acknowledges layer pushes and pulls with 200 and the reason", async () => {
    const { received } = fixture("registry-2.8-debian-captured-push.json") as {
      received: unknown[];
    };
    const { status, json } = await post(notify(), received[0], {
      "content-type": EVENTS_V1,
      ...BEARER,
    });
    expect(status).toBe(200);
    expect(json).toEqual({ status: "ignored", reason: "events[0]: blob push to team/app" });
  });

  it("answers 400 naming the field of a tagged push that breaks the grammar", async () => {
    const body = manifestPush((event) => {
      event.target = { ...event.target, tag: "bad tag" };
    });
    const { status, json } = await post(notify(), body, { "content-type": EVENTS_V1, ...BEARER });
    expect(status).toBe(400);
    expect(json.problems).toEqual([
      {
        path: "events[0].target.tag",
        message: "must be a tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}",
      },
    ]);
  });

  it("refuses a missing or wrong token, and a bare token without Bearer, with 403", async () => {
    const body = fixtureBytes("registry-2.8-debian-captured-manifest-push.json");
    const variants: Record<string, string>[] = [
      {},
      { authorization: "Bearer wrong-token" },
      { authorization: WEBHOOK_TOKEN },
    ];
    for (const headers of variants) {
      const { status } = await post(notify(), body, { "content-type": EVENTS_V1, ...headers });
      expect(status).toBe(403);
    }
  });

  it("answers 405 to other methods", async () => {
    const response = await fetch(notify(), { headers: BEARER });
    expect(response.status).toBe(405);
  });
});

describe("POST /acr-webhook (Azure Container Registry)", () => {
  const url = () => `${pushgate.url}/acr-webhook/${WEBHOOK_TOKEN}/notify`;

  it("queues a run for the documented push; acknowledges chart pushes", async () => {
    const push = await post(url(), fixtureBytes("acr-docs-2017-push.json"));
    expect(push.status).toBe(202);
    expect(await imagesOf(push.json)).toEqual(["myregistry.azurecr.io/hello-world:v1"]);
    const chart = await post(url(), fixtureBytes("acr-docs-chart-push.json"));
    expect([chart.status, chart.json]).toEqual([
      200,
      { status: "ignored", reason: "chart_push of repo" },
    ]);
  });

  it("answers 400 to the current reference's example, whose digest is redacted", async () => {
    const { status, json } = await post(url(), fixtureBytes("acr-docs-push-redacted.json"));
    expect(status).toBe(400);
    expect((json.problems as { path: string }[]).map((p) => p.path)).toEqual(["target.digest"]);
  });
});

describe("POST /harbor-webhook", () => {
  const url = () => `${pushgate.url}/harbor-webhook/notify`;

  it("takes the auth header Harbor sends verbatim, and queues the documented push", async () => {
    const { status, json } = await post(url(), fixtureBytes("harbor-sample.json"), {
      "content-type": "application/json",
      authorization: WEBHOOK_TOKEN,
    });
    expect(status).toBe(202);
    expect(await imagesOf(json)).toEqual(["hub.harbor.com/test-webhook/debian:latest"]);
  });

  it("reads CloudEvents (application/cloudevents+json) and acknowledges pulls and digest pushes", async () => {
    for (const name of [
      "harbor-cloudevents-sample.json",
      "harbor-docs-cloudevents-push-by-digest.json",
    ]) {
      const { status, json } = await post(url(), fixtureBytes(name), {
        "content-type": "application/cloudevents+json",
        ...BEARER,
      });
      expect([status, json.status], name).toEqual([200, "ignored"]);
    }
  });

  it("refuses a wrong auth header with 403", async () => {
    const { status } = await post(url(), fixtureBytes("harbor-sample.json"), {
      "content-type": "application/json",
      authorization: "not-the-token",
    });
    expect(status).toBe(403);
  });
});

describe("POST /quay-webhook", () => {
  it("queues one run per updated tag, token in the path", async () => {
    const url = `${pushgate.url}/quay-webhook/${WEBHOOK_TOKEN}/notify`;
    const { status, json } = await post(url, fixtureBytes("quay-sample.json"));
    expect(status).toBe(202);
    expect(await imagesOf(json)).toEqual(["quay.io/dgangaia/test:latest"]);
  });
});

describe("POST /ghcr-webhook (GitHub, X-Hub-Signature-256)", () => {
  const url = () => `${pushgate.url}/ghcr-webhook`;
  const sign = (body: Buffer | string) =>
    `sha256=${createHmac("sha256", GITHUB_SECRET).update(body).digest("hex")}`;
  const headers = (event: string, signature: string) => ({
    "content-type": "application/json",
    "x-github-event": event,
    "x-hub-signature-256": signature,
  });

  it("accepts GitHub's documented test vector, then parses (and here refuses) the body", async () => {
    const signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    const { status, json } = await post(url(), "Hello, World!", headers("ping", signature));
    expect([status, json.error]).toEqual([400, "invalid_json"]);
  });

  it("checks the signature before parsing: an unsigned or mis-signed body is 403, JSON or not", async () => {
    const wrong = "sha256=657107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    for (const [body, signature] of [
      ["Hello, World!", wrong],
      ["Hello, World!", ""],
      ["{}", "sha1=abc"],
      ["Hello, World! ", sign("Hello, World!")],
    ] as const) {
      const { status, json } = await post(url(), body, headers("ping", signature));
      expect([status, json.error]).toEqual([403, "forbidden"]);
    }
  });

  it("queues a run for a signed tagged container version; acknowledges a signed ping", async () => {
    const body = fixtureBytes("ghcr-keel-captured.json");
    const { status, json } = await post(url(), body, headers("package_v2", sign(body)));
    expect(status).toBe(202);
    expect(await imagesOf(json)).toEqual(["ghcr.io/utaitebox/utaitebox-server:3.2.1"]);

    const ping = Buffer.from('{"zen":"Design for failure."}');
    const pong = await post(url(), ping, headers("ping", sign(ping)));
    expect([pong.status, pong.json]).toEqual([200, { status: "ignored", reason: "github ping" }]);
  });

  it("is closed when no GitHub secret is configured", async () => {
    const closed = await startTestPushgate("");
    try {
      const body = fixtureBytes("ghcr-keel-captured.json");
      const { status } = await post(
        `${closed.url}/ghcr-webhook`,
        body,
        headers("package", sign(body)),
      );
      expect(status).toBe(403);
    } finally {
      await closed.stop();
    }
  });
});
