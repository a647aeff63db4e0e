import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/load-config.js";
import { AUTH, problemsOf as problemsOfConfig } from "../../support/config-problems.js";

const problemsOf = (text: string) => problemsOfConfig(`${AUTH}${text}`);

describe("load, restart and shutdown settings", () => {
  it("defaults: backlog 10 000, 3 attempts, 30 s grace, no per-pipeline limit, no supersede", () => {
    const config = parseConfig(`${AUTH}pipelines: [{ name: web, match: { repository: a/b } }]`, {});
    expect(config.limits.backlog).toBe(10_000);
    expect(config.docker.maxAttempts).toBe(3);
    expect(config.shutdown.graceMs).toBe(30_000);
    expect(config.pipelines[0]?.concurrency).toBeUndefined();
    expect(config.pipelines[0]?.supersede).toBe(false);
  });

  it("reads each setting, units included", () => {
    const config = parseConfig(
      `${AUTH}limits: { backlog: 500 }
docker: { maxAttempts: 5 }
shutdown: { grace: 2m }
pipelines:
  - { name: a, match: { repository: a/a }, concurrency: 1, supersede: queued }
  - { name: b, match: { repository: b/b }, supersede: running }
  - { name: c, match: { repository: c/c }, supersede: false }`,
      {},
    );
    expect(config.limits.backlog).toBe(500);
    expect(config.docker.maxAttempts).toBe(5);
    expect(config.shutdown.graceMs).toBe(120_000);
    expect(config.pipelines.map((p) => [p.concurrency, p.supersede])).toEqual([
      [1, "queued"],
      [undefined, "running"],
      [undefined, false],
    ]);
  });

  it("names each wrong setting", () => {
    expect(
      problemsOf(`limits: { backlog: 0 }
docker: { maxAttempts: 0 }
shutdown: { grace: soon }
pipelines:
  - { name: a, match: { repository: a/a }, concurrency: 0, supersede: true }
  - { name: b, match: { repository: b/b }, supersede: always }`),
    ).toEqual([
      "limits.backlog: must be greater than or equal to 1",
      "docker.maxAttempts: must be greater than or equal to 1",
      'shutdown.grace: must be a duration such as "30s", "10m" or "1h"',
      "pipelines[0].concurrency: must be greater than or equal to 1",
      'pipelines[0].supersede: must be "queued", "running" or false',
      'pipelines[1].supersede: must be "queued", "running" or false',
    ]);
  });
});
