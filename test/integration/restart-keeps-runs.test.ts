import { describe, expect, it } from "vitest";
import { getJson, post } from "../support/http.js";
import { spawnPushgate } from "../support/spawn-pushgate.js";
import { API_TOKEN, WEBHOOK_TOKEN, tempDir, testConfigYaml } from "../support/test-config.js";

const YAML = (dir: string) =>
  testConfigYaml(dir, `pipelines: [{ name: web, match: { repository: "acme/*" } }]\n`);

const push = (url: string, tag: string) =>
  post(`${url}/dockerhub-webhook/${WEBHOOK_TOKEN}/notify`, {
    push_data: { tag, pushed_at: 1_700_000_000 },
    repository: { repo_name: "acme/web" },
  });

describe("a restart of the process", () => {
  it("keeps every recorded run, and still knows duplicates (the store, not only the cache)", async () => {
    const dir = tempDir();
    const first = await spawnPushgate(dir, YAML(dir));
    const accepted: string[] = [];
    for (const tag of ["v1", "v2", "v3"]) {
      const { status, json } = await push(first.url, tag);
      expect(status).toBe(202);
      accepted.push(...(json.runs as string[]));
    }
    // SIGKILL: no shutdown code runs, so only what was durable before each 202 survives.
    await first.kill("SIGKILL");

    const second = await spawnPushgate(dir, YAML(dir));
    try {
      const { json } = await getJson(`${second.url}/api/runs`, API_TOKEN);
      expect((json.runs as { id: string }[]).map((r) => r.id).sort()).toEqual(accepted.sort());
      const again = await push(second.url, "v2");
      expect(again.status).toBe(200);
      expect(again.json.status).toBe("duplicate");
    } finally {
      expect(await second.kill("SIGTERM")).toBe(0);
    }
  });
});
