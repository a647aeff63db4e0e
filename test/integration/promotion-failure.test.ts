import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Promoter } from "../../src/actions/promote-step.js";
import { DockerError } from "../../src/docker/docker-error.js";
import { startActionHarness, type ActionHarness } from "../support/action-harness.js";
import { startHttpReceiver, type HttpReceiver } from "../support/http-receiver.js";

/**
 * A promotion the registry refuses, through the actions' own machinery (real HTTP, a real
 * SQLite store): the on.success actions that would deploy the tag are not sent, the rest is.
 */

let hooks: HttpReceiver;
let harness: ActionHarness;
const refusing: Promoter = {
  promote: (_source, target) =>
    Promise.reject(
      new DockerError(
        "registry_unauthorized",
        `registry refused to take ${target.repository}:${target.tag} (check registries[].username/password): denied: requested access to the resource is denied`,
      ),
    ),
};

beforeAll(async () => {
  hooks = await startHttpReceiver();
  harness = startActionHarness(
    `
actions: { timeout: 2s, attempts: 3, backoff: 20ms, maxBackoff: 100ms }
callbacks: { allowedHosts: ["${hooks.url}"] }
pipelines:
  - name: web
    match: { repository: acme/web }
    promote: { tags: [stable] }
    on:
      success: [{ webhook: { url: "${hooks.url}/deploy" } }]
    callback: true
`,
    undefined,
    refusing,
  );
});
afterAll(async () => {
  await harness.close();
  await hooks.close();
});

describe("a promotion the registry refuses", () => {
  it("is recorded with the registry's words after one try; on.success is failed unsent; the callback still goes", async () => {
    const outcome = await harness.outcome({
      verdict: "passed",
      event: { callbackUrl: `${hooks.url}/callback` },
    });
    await harness.perform(outcome, new AbortController().signal);
    const actions = await harness.store.listActions(outcome.run.id);
    expect(actions.map((a) => [a.id, a.state, a.attemptCount, a.error])).toEqual([
      [
        "promote",
        "failed",
        1,
        "registry refused to take acme/web:stable (check registries[].username/password): denied: requested access to the resource is denied",
      ],
      ["success.0", "failed", 0, "not sent: the promotion failed"],
      ["callback", "done", 1, undefined],
    ]);
    expect(hooks.requests.map((r) => r.path)).toEqual(["/callback"]);
    // Forgotten again: a delivery of acme/web:stable is a push like any other.
    expect(await harness.store.listPromotions(outcome.run.id)).toEqual([]);
  });
});
