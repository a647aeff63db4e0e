import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { ActionError, type StepCall } from "../../../src/actions/action-call.js";
import { promoteStepOf, type Promoter } from "../../../src/actions/promote-step.js";
import type { PromoteConfig, RegistryConfig } from "../../../src/config/config.js";
import { DockerError } from "../../../src/docker/docker-error.js";
import { createLogger } from "../../../src/observability/logger.js";
import { compileRegistryResolver } from "../../../src/pipeline/resolve-registry.js";
import type { ActionAttempt, ActionRecord } from "../../../src/store/run-store.js";
import { fakeClock } from "../../support/fake-clock.js";
import { DIGEST, outcomeOf } from "../../support/outcomes.js";

const REVISION = "0123abc";
const registries: RegistryConfig[] = [
  {
    host: "registry.example:5000",
    aliases: ["registry:5000"],
    username: "bot",
    password: "pw-secret-1",
    insecure: false,
  },
];

/** What happened, in order: promotions saved and pushes tried. */
type Event = string;

function harness(answers: (Error | { digest?: string })[] = []) {
  const events: Event[] = [];
  const attempts: ActionAttempt[] = [];
  const saved: Record<string, unknown>[] = [];
  const promoter: Promoter = {
    promote: (source, target) => {
      events.push(
        `push ${source.reference} -> ${target.repository}:${target.tag} as ${target.auth?.username ?? "nobody"}`,
      );
      const answer = answers.shift() ?? { digest: DIGEST };
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
  const store = {
    savePromotion: (promotion: { tag: string; pushedDigest?: string }) => {
      events.push(`save ${promotion.tag}${promotion.pushedDigest ? " pushed" : ""}`);
      return Promise.resolve();
    },
    forgetPromotion: (promotion: { tag: string }) => {
      events.push(`forget ${promotion.tag}`);
      return Promise.resolve();
    },
  };
  const call = (result: Record<string, unknown> = {}): StepCall => ({
    runId: "01HRUN",
    record: { result } as ActionRecord,
    send: () => Promise.reject(new Error("no HTTP here")),
    save: (update) => {
      saved.push(update.result ?? {});
      return Promise.resolve();
    },
    recordAttempt: (attempt) => {
      attempts.push(attempt);
      return Promise.resolve();
    },
    policy: { attempts: 3, backoffMs: 100, maxBackoffMs: 1000 },
    clock: fakeClock(),
    signal: new AbortController().signal,
    logger: createLogger({ level: "error", secrets: [], stream: new PassThrough() }),
  });
  const deps = {
    promoter,
    store,
    registries,
    resolveRegistry: compileRegistryResolver(registries),
    timeoutMs: 60_000,
  };
  return { events, attempts, saved, call, deps };
}

const outcome = (revision?: string) => {
  const base = outcomeOf({
    event: { registry: "registry.example:5000", repository: "team/app", tag: "v1" },
  });
  return { ...base, run: { ...base.run, ...(revision ? { source: { revision } } : {}) } };
};

describe("the promotion step", () => {
  it("records each tag with the tested digest before pushing it from that digest, then the digest pushed", async () => {
    const { events, call, deps } = harness();
    const spec: PromoteConfig = { tags: ["stable", "sha-{{revision}}"] };
    const step = promoteStepOf(outcome(REVISION), spec, deps);
    expect(step).toMatchObject({
      id: "promote",
      kind: "promote",
      target: "registry.example:5000/team/app:stable,sha-{{revision}}",
    });
    const report = await step.execute(call());
    expect(events).toEqual([
      "save stable",
      `push registry.example:5000/team/app@${DIGEST} -> registry.example:5000/team/app:stable as bot`,
      "save stable pushed",
      `save sha-${REVISION}`,
      `push registry.example:5000/team/app@${DIGEST} -> registry.example:5000/team/app:sha-${REVISION} as bot`,
      `save sha-${REVISION} pushed`,
    ]);
    expect(report).toEqual({
      state: "done",
      result: {
        repository: "registry.example:5000/team/app",
        promoted: [
          { tag: "stable", digest: DIGEST },
          { tag: `sha-${REVISION}`, digest: DIGEST },
        ],
      },
    });
  });

  it("skips a tag whose placeholder is empty, and says so", async () => {
    const { events, call, deps } = harness();
    const report = await promoteStepOf(
      outcome(),
      { tags: ["stable", "sha-{{revision}}"] },
      deps,
    ).execute(call());
    expect(events.filter((e) => e.startsWith("push"))).toHaveLength(1);
    expect(report.result?.skipped).toEqual(["sha-{{revision}}: {{revision}} is empty"]);
  });

  it("refuses a tag that is not one after templating, before pushing anything", async () => {
    const { events, call, deps } = harness();
    const step = promoteStepOf(outcome(), { tags: ["stable", "{{digest}}"] }, deps);
    await expect(step.execute(call())).rejects.toThrow(
      new ActionError(`"${DIGEST}" (from {{digest}}) is not a valid tag`),
    );
    expect(events).toEqual([]);
  });

  it("tries again while the registry is unreachable, each try recorded", async () => {
    const down = new DockerError(
      "registry_unreachable",
      "registry unreachable for x: connection refused",
    );
    const { attempts, call, deps } = harness([down, { digest: DIGEST }]);
    const report = await promoteStepOf(outcome(), { tags: ["stable"] }, deps).execute(call());
    expect(report.state).toBe("done");
    expect(attempts.map((a) => a.error ?? "ok")).toEqual([down.message, "ok"]);
  });

  it("fails at once with the registry's words when it refuses the credentials", async () => {
    const refused = new DockerError(
      "registry_unauthorized",
      "registry refused to take x:stable: denied",
    );
    const { attempts, events, call, deps } = harness([refused]);
    const step = promoteStepOf(outcome(), { tags: ["stable"] }, deps);
    await expect(step.execute(call())).rejects.toThrow("registry refused to take x:stable: denied");
    expect(attempts).toHaveLength(1);
    expect(events.at(-1)).toBe("forget stable");
  });

  it("does not push again what a resumed run already pushed", async () => {
    const { events, call, deps } = harness();
    const step = promoteStepOf(outcome(REVISION), { tags: ["stable", "sha-{{revision}}"] }, deps);
    await step.execute(call({ promoted: [{ tag: "stable", digest: DIGEST }] }));
    expect(events.filter((e) => e.startsWith("push"))).toEqual([
      `push registry.example:5000/team/app@${DIGEST} -> registry.example:5000/team/app:sha-${REVISION} as bot`,
    ]);
  });

  it("pushes to another repository with that registry's credentials, recorded under its configured name", async () => {
    const { events, call, deps } = harness();
    const spec = { tags: ["stable"], repository: "registry:5000/team/released" };
    const step = promoteStepOf(outcome(), spec, deps);
    expect(step.target).toBe("registry.example:5000/team/released:stable");
    await step.execute(call());
    expect(events[1]).toBe(
      `push registry.example:5000/team/app@${DIGEST} -> registry:5000/team/released:stable as bot`,
    );
  });
});
