import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/load-config.js";
import { problemsOf } from "../../support/config-problems.js";

const AUTH = "auth: { webhookTokens: [hook-token-1], apiToken: api-token-1";

describe("dashboard settings", () => {
  it("defaults: sessions idle 12 h, no proxy trusted, no badge", () => {
    const config = parseConfig(
      `${AUTH} }\npipelines: [{ name: web, match: { repository: a/b } }]`,
      {},
    );
    expect(config.auth.sessionIdleMs).toBe(12 * 3_600_000);
    expect(config.trustProxy).toBe(false);
    expect(config.pipelines[0]?.badge).toBe(false);
  });

  it("reads auth.sessionIdle, trustProxy and pipelines[].badge", () => {
    const config = parseConfig(
      `${AUTH}, sessionIdle: 30m }\ntrustProxy: 2\npipelines: [{ name: web, match: { repository: a/b }, badge: true }]`,
      {},
    );
    expect(config.auth.sessionIdleMs).toBe(30 * 60_000);
    expect(config.trustProxy).toBe(2);
    expect(config.pipelines[0]?.badge).toBe(true);
    expect(parseConfig(`${AUTH} }\ntrustProxy: true`, {}).trustProxy).toBe(true);
  });

  it("names each bad value", () => {
    expect(problemsOf(`${AUTH}, sessionIdle: soon }`)).toEqual([
      'auth.sessionIdle: must be a duration such as "30s", "10m" or "1h"',
    ]);
    expect(
      problemsOf(`${AUTH} }\npipelines: [{ name: w, match: { repository: a/b }, badge: 1 }]`),
    ).toEqual(["pipelines[0].badge: must be true or false"]);
  });
});
