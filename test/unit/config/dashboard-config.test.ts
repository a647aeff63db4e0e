import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/config/config-error.js";
import { parseConfig } from "../../../src/config/load-config.js";

const AUTH = "auth: { webhookTokens: [hook-token-1], apiToken: api-token-1";

function problemsOf(text: string): readonly string[] {
  try {
    parseConfig(text, {});
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

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
    expect(problemsOf(`${AUTH} }\ntrustProxy: everyone`)).toEqual([
      "trustProxy: must be true, false or a number of proxies",
    ]);
    expect(
      problemsOf(`${AUTH} }\npipelines: [{ name: w, match: { repository: a/b }, badge: 1 }]`),
    ).toEqual(["pipelines[0].badge: must be true or false"]);
  });
});
