import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson, post } from "../support/http.js";
import { startTestPushgate, type TestPushgate } from "../support/start-test-pushgate.js";
import { API_TOKEN, WEBHOOK_TOKEN } from "../support/test-config.js";

let pushgate: TestPushgate;
const ids: string[] = [];

beforeAll(async () => {
  pushgate = await startTestPushgate(`
pipelines:
  - { name: web, match: { repository: "acme/web" } }
  - { name: api, match: { repository: "acme/api" } }
`);
  for (let i = 0; i < 7; i++) {
    const repo = i % 2 === 0 ? "acme/web" : "acme/api";
    const { json } = await post(`${pushgate.url}/dockerhub-webhook/${WEBHOOK_TOKEN}`, {
      push_data: { tag: `v${i}`, pushed_at: 1_700_000_000 + i },
      repository: { repo_name: repo },
    });
    ids.push(...(json.runs as string[]));
  }
});
afterAll(() => pushgate.stop());

const api = (path: string, token: string | null = API_TOKEN) =>
  getJson(`${pushgate.url}${path}`, token ?? undefined);

describe("GET /api/runs", () => {
  it("lists newest first", async () => {
    const { status, json } = await api("/api/runs");
    expect(status).toBe(200);
    expect((json.runs as { id: string }[]).map((r) => r.id)).toEqual([...ids].reverse());
    expect(json.next).toBeNull();
  });

  it("pages with limit and the next cursor", async () => {
    const first = await api("/api/runs?limit=3");
    const page1 = (first.json.runs as { id: string }[]).map((r) => r.id);
    expect(page1).toEqual([...ids].reverse().slice(0, 3));
    const second = await api(`/api/runs?limit=3&before=${String(first.json.next)}`);
    expect((second.json.runs as { id: string }[]).map((r) => r.id)).toEqual(
      [...ids].reverse().slice(3, 6),
    );
    const third = await api(`/api/runs?limit=3&before=${String(second.json.next)}`);
    expect((third.json.runs as unknown[]).length).toBe(1);
    expect(third.json.next).toBeNull();
  });

  it("filters by repository and status", async () => {
    const web = await api("/api/runs?repository=acme/web");
    expect(
      (web.json.runs as { image: string }[]).every((r) => r.image.startsWith("acme/web:")),
    ).toBe(true);
    expect((web.json.runs as unknown[]).length).toBe(4);
    const queued = await api("/api/runs?status=queued");
    expect((queued.json.runs as unknown[]).length).toBe(7);
    const passed = await api("/api/runs?status=passed");
    expect(passed.json.runs).toEqual([]);
  });

  it.each([
    ["/api/runs?limit=0", "limit"],
    ["/api/runs?limit=500", "limit"],
    ["/api/runs?limit=abc", "limit"],
    ["/api/runs?status=done", "status"],
    ["/api/runs?before=../../x", "before"],
    ["/api/runs?colour=red", "colour"],
  ])("refuses %s naming %s", async (path, field) => {
    const { status, json } = await api(path);
    expect(status).toBe(400);
    expect((json.problems as { path: string }[]).map((p) => p.path)).toContain(field);
  });
});

describe("GET /api/runs/:id", () => {
  it("shows one run, 404 for an unknown id", async () => {
    const one = await api(`/api/runs/${ids[0] ?? ""}`);
    expect(one.json).toMatchObject({ id: ids[0], pipeline: "web", state: "queued", attempt: 0 });
    const missing = await api("/api/runs/01ARZ3NDEKTSV4RRFFQ69G5FAV");
    expect(missing.status).toBe(404);
  });
});

describe("API authentication", () => {
  it("401 without a token, 403 with a wrong one, and the webhook token is not an API token", async () => {
    expect((await api("/api/runs", null)).status).toBe(401);
    expect((await api("/api/runs", "wrong-token")).status).toBe(403);
    expect((await api("/api/runs", WEBHOOK_TOKEN)).status).toBe(403);
    expect((await api(`/api/runs/${ids[0] ?? ""}`, null)).status).toBe(401);
  });
});

describe("health", () => {
  it("answers /healthz and /readyz with the store's and the Docker engine's state", async () => {
    expect(await api("/healthz", null)).toEqual({ status: 200, json: { status: "ok" } });
    expect(await api("/readyz", null)).toEqual({
      status: 200,
      json: { status: "ready", checks: { store: "ok", docker: "ok" } },
    });
  });
});
