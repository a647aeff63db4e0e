import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/load-config.js";
import {
  CACHED_HEADS,
  createDeliveryIntake,
  type DeliveryIntake,
} from "../../../src/pipeline/accept-delivery.js";
import { compilePipelineMatcher } from "../../../src/pipeline/match-pipelines.js";
import { compileRegistryResolver } from "../../../src/pipeline/resolve-registry.js";
import type { PushEvent } from "../../../src/sources/push-event.js";
import { parseRegistryV2 } from "../../../src/sources/registry-v2.js";
import { SqliteRunStore } from "../../../src/store/sqlite/sqlite-run-store.js";
import { fixture } from "../../support/fixtures.js";
import { tempDir } from "../../support/test-config.js";

const config = parseConfig(
  `auth: { webhookTokens: [hook-token-1], apiToken: api-token-1 }
registries: [{ host: "127.0.0.1:45999", aliases: ["registry:5000"] }]
pipelines:
  - { name: team, match: { repository: "127.0.0.1:45999/team/*" } }
`,
  {},
);

const open: { intake: DeliveryIntake; store: SqliteRunStore }[] = [];
afterEach(async () => {
  for (const { intake, store } of open.splice(0)) {
    intake.close();
    await store.close();
  }
});

/** An intake over a store file, as pushgate builds it; a second call on the same file is a restart. */
function startIntake(dbPath: string, backlog?: number): DeliveryIntake {
  const store = new SqliteRunStore(dbPath);
  const intake = createDeliveryIntake({
    store,
    matchPipelines: compilePipelineMatcher(config.pipelines),
    resolveRegistry: compileRegistryResolver(config.registries),
    dedupeTtlMs: 3_600_000,
    ...(backlog !== undefined ? { backlog } : {}),
  });
  open.push({ intake, store });
  return intake;
}

const deliver = (intake: DeliveryIntake, body: unknown) => {
  const { events, ignored } = parseRegistryV2({ headers: {}, body, rawBody: Buffer.alloc(0) });
  return intake.accept(events, ignored);
};

const runsOf = (outcomes: Awaited<ReturnType<DeliveryIntake["accept"]>>[]) =>
  outcomes.flatMap((o) => (o.kind === "queued" ? o.runIds : []));

describe("one push, many notifications", () => {
  it("queues one run for a multi-arch push of 19 envelopes (children pushed by digest)", async () => {
    const intake = startIntake(join(tempDir(), "pushgate.db"));
    const { received } = fixture("registry-2.8-debian-captured-multiarch-push.json") as {
      received: unknown[];
    };
    const outcomes = [];
    for (const body of received) outcomes.push(await deliver(intake, body));
    expect(runsOf(outcomes)).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === "no-events")).toHaveLength(18);
  });

  it("recognises a re-sent envelope, from the cache and, after a restart, from the store", async () => {
    const dbPath = join(tempDir(), "pushgate.db");
    const envelope = fixture("registry-2.8-debian-captured-manifest-push.json");
    const first = startIntake(dbPath);
    expect((await deliver(first, envelope)).kind).toBe("queued");
    expect(await deliver(first, envelope)).toEqual({ kind: "duplicate" });
    first.close();

    const restarted = startIntake(dbPath);
    expect(await deliver(restarted, envelope)).toEqual({ kind: "duplicate" });
  });

  it("still recognises a re-sent push once more distinct pushes came than the cache keeps", async () => {
    const intake = startIntake(join(tempDir(), "pushgate.db"));
    const push = (tag: string): PushEvent => ({
      source: "registry",
      registry: "127.0.0.1:45999",
      repository: "team/app",
      tag,
      digest: `sha256:${tag.padStart(64, "0")}`,
      pushedAt: new Date(0),
    });
    const tags = Array.from({ length: CACHED_HEADS + 1 }, (_, i) => String(i + 1));
    // One notification with every push (a registry batches events), then the first again.
    const outcome = await intake.accept(tags.map(push));
    expect(outcome.kind === "queued" && outcome.runIds.length).toBe(CACHED_HEADS + 1);
    expect(await intake.accept([push("1")])).toEqual({ kind: "duplicate" });
    expect(await intake.accept([push(String(CACHED_HEADS + 1))])).toEqual({ kind: "duplicate" });
  });

  it("counts the same tag and digest announced twice in one envelope once", async () => {
    const intake = startIntake(join(tempDir(), "pushgate.db"));
    const envelope = fixture("registry-2.8-debian-captured-manifest-push.json") as {
      events: unknown[];
    };
    const twice = { events: [...envelope.events, ...envelope.events] };
    expect(await deliver(intake, twice)).toMatchObject({ kind: "queued", duplicates: 1 });
  });

  it("puts a push reported under an alias under the configured host, and dedupes across both", async () => {
    const intake = startIntake(join(tempDir(), "pushgate.db"));
    const event: PushEvent = {
      source: "registry",
      registry: "registry:5000",
      repository: "team/app",
      tag: "v1",
      digest: "sha256:65c19fca2602ea22c1932c18aabaf50dedd65fa78ce165cd761e36033ce0bf62",
      pushedAt: new Date(0),
    };
    expect((await intake.accept([event])).kind).toBe("queued");
    expect(await intake.accept([{ ...event, registry: "127.0.0.1:45999" }])).toEqual({
      kind: "duplicate",
    });
    expect(await intake.accept([{ ...event, registry: "other:5000" }])).toEqual({
      kind: "no-match",
      ignored: ["no pipeline matches other:5000/team/app:v1"],
    });
  });

  it("gives a new digest under the same tag a run of its own", async () => {
    const intake = startIntake(join(tempDir(), "pushgate.db"));
    const envelope = fixture("registry-2.8-debian-captured-manifest-push.json");
    expect((await deliver(intake, envelope)).kind).toBe("queued");
    const rebuilt = JSON.parse(
      JSON.stringify(envelope).replaceAll("65c19fca", "75c19fca"),
    ) as unknown;
    expect((await deliver(intake, rebuilt)).kind).toBe("queued");
  });
});

describe("a tag moved back to an earlier digest (a rollback)", () => {
  const A = `sha256:${"a".repeat(64)}`;
  const B = `sha256:${"b".repeat(64)}`;
  const push = (digest: string): PushEvent => ({
    source: "registry",
    registry: "127.0.0.1:45999",
    repository: "team/app",
    tag: "latest",
    digest,
    pushedAt: new Date(0),
  });
  const hubPush = (pushedAt: string): PushEvent => ({
    source: "dockerhub",
    registry: "127.0.0.1:45999",
    repository: "team/hub",
    tag: "latest",
    pushedAt: new Date(pushedAt),
  });

  /** The kinds answered to each delivery, from one intake (the cache) or restarting each time (the store). */
  async function answers(events: PushEvent[], restartEachTime: boolean): Promise<string[]> {
    const dbPath = join(tempDir(), "pushgate.db");
    let intake = startIntake(dbPath);
    const kinds: string[] = [];
    for (const event of events) {
      if (restartEachTime) intake = startIntake(dbPath);
      kinds.push((await intake.accept([event])).kind);
    }
    return kinds;
  }

  it("queues A, B, A within the TTL and takes A again for a duplicate, as the store does", async () => {
    const deliveries = [push(A), push(B), push(A), push(A)];
    const expected = ["queued", "queued", "queued", "duplicate"];
    expect(await answers(deliveries, false)).toEqual(expected);
    expect(await answers(deliveries, true)).toEqual(expected);
  });

  it("keeps a push without digest a duplicate for good, whatever came between, as the store does", async () => {
    const [first, second] = [hubPush("2026-03-01T10:00:00Z"), hubPush("2026-03-01T11:00:00Z")];
    const deliveries = [first, first, second, first];
    const expected = ["queued", "duplicate", "queued", "duplicate"];
    expect(await answers(deliveries, false)).toEqual(expected);
    expect(await answers(deliveries, true)).toEqual(expected);
  });

  it("reads the events of one delivery in order, from the cache as from the store", async () => {
    const intake = startIntake(join(tempDir(), "pushgate.db"));
    const rollback = await intake.accept([push(A), push(B), push(A)]);
    expect(rollback).toMatchObject({ kind: "queued", duplicates: 0 });
    expect(runsOf([rollback])).toHaveLength(3);
    // The cache says A: B moves the tag, so the A after it is a push again.
    const back = await intake.accept([push(B), push(A)]);
    expect(back).toMatchObject({ kind: "queued", duplicates: 0 });
    expect(runsOf([back])).toHaveLength(2);
    expect(await intake.accept([push(A), push(A)])).toEqual({ kind: "duplicate" });
  });

  it("does not answer from the cache while a delivery moving the same tag is being written", async () => {
    const intake = startIntake(join(tempDir(), "pushgate.db"));
    expect((await intake.accept([push(A)])).kind).toBe("queued");
    // B and then A arrive before B is committed: the cache still says A, the tag will say B.
    const [b, a, again] = await Promise.all([
      intake.accept([push(B)]),
      intake.accept([push(A)]),
      intake.accept([push(A)]),
    ]);
    expect([b.kind, a.kind, again.kind]).toEqual(["queued", "queued", "duplicate"]);
    expect(await intake.accept([push(A)])).toEqual({ kind: "duplicate" });
  });
});

describe("the backlog (limits.backlog)", () => {
  const push = (tag: string): PushEvent => ({
    source: "registry",
    registry: "127.0.0.1:45999",
    repository: "team/app",
    tag,
    pushedAt: new Date(0),
  });

  it("refuses a delivery that would pass it, records nothing of it, and forgets it", async () => {
    const dbPath = join(tempDir(), "pushgate.db");
    const intake = startIntake(dbPath, 2);
    expect((await intake.accept([push("v1")])).kind).toBe("queued");
    expect(await intake.accept([push("v2"), push("v3")])).toEqual({
      kind: "backlog-full",
      backlog: 2,
    });
    const store = open.at(-1)?.store;
    expect((await store?.listRuns({ limit: 10 }))?.map((r) => r.event.tag)).toEqual(["v1"]);

    expect((await intake.accept([push("v2")])).kind).toBe("queued");
    expect((await intake.accept([push("v3")])).kind).toBe("backlog-full");
    const [oldest] = (await store?.runsInStates(["queued"])) ?? [];
    await store?.transition(oldest?.id ?? "", ["queued"], "pulling");
    // Room again: v3 is not taken for a duplicate of the refused delivery.
    expect((await intake.accept([push("v3")])).kind).toBe("queued");
    // A duplicate is answered as such even when the backlog is full.
    expect(await intake.accept([push("v2")])).toEqual({ kind: "duplicate" });
  });

  it("counts deliveries that arrive together, before their group commit, against it", async () => {
    const intake = startIntake(join(tempDir(), "pushgate.db"), 3);
    const outcomes = await Promise.all(
      ["v1", "v2", "v3", "v4", "v5"].map((tag) => intake.accept([push(tag)])),
    );
    expect(outcomes.map((o) => o.kind)).toEqual([
      "queued",
      "queued",
      "queued",
      "backlog-full",
      "backlog-full",
    ]);
    expect(await open.at(-1)?.store.countRuns("queued")).toBe(3);
  });
});

describe("tags that name no image", () => {
  const push = (tag: string): PushEvent => ({
    source: "registry",
    registry: "127.0.0.1:45999",
    repository: "team/app",
    tag,
    digest: `sha256:${"4".repeat(64)}`,
    pushedAt: new Date("2026-01-01T00:00:00Z"),
  });
  const hex = "a".repeat(64);

  it.each([`sha256-${hex}.sig`, `sha256-${hex}.att`, `sha256-${hex}.sbom`, `sha256-${hex}`])(
    "ignores cosign's %s with the reason, and records nothing",
    async (tag) => {
      const intake = startIntake(join(tempDir(), "pushgate.db"));
      expect(await intake.accept([push(tag)])).toEqual({
        kind: "no-events",
        ignored: [
          `127.0.0.1:45999/team/app:${tag} is a signature, attestation or SBOM, not an image`,
        ],
      });
    },
  );

  it("still queues the image pushed in the same delivery, and tags that only look alike", async () => {
    const intake = startIntake(join(tempDir(), "pushgate.db"));
    const outcome = await intake.accept([push(`sha256-${hex}.sig`), push("v1")]);
    expect(outcome).toMatchObject({ kind: "queued", runIds: [expect.any(String) as unknown] });
    expect(await intake.accept([push(`sha256-${hex.slice(1)}.sig`)])).toMatchObject({
      kind: "queued",
    });
  });
});

describe("deliveries announcing a promotion", () => {
  const TESTED = `sha256:${"5".repeat(64)}`;
  const stable = (change: Partial<PushEvent> = {}): PushEvent => ({
    source: "registry",
    registry: "registry:5000", // an alias: the promotion is recorded under the configured name
    repository: "team/app",
    tag: "stable",
    digest: TESTED,
    pushedAt: new Date("2026-01-01T00:00:00Z"),
    ...change,
  });

  async function promoted(dbPath: string, at: Date) {
    const store = new SqliteRunStore(dbPath);
    const [outcome] = await store.accept(
      [
        {
          event: { ...stable({ tag: "v1" }), registry: "127.0.0.1:45999" },
          dedupeKey: "v1",
          pipelines: ["team"],
        },
      ],
      at,
    );
    const runId = outcome?.kind === "recorded" ? (outcome.runIds[0] ?? "") : "";
    await store.savePromotion(
      {
        runId,
        registry: "127.0.0.1:45999",
        repository: "team/app",
        tag: "stable",
        digest: TESTED,
        pushedDigest: TESTED,
      },
      at,
    );
    await store.close();
    return runId;
  }

  it("are answered promoted by the run, and neither recorded nor remembered as duplicates", async () => {
    const dbPath = join(tempDir(), "pushgate.db");
    const runId = await promoted(dbPath, new Date());
    const intake = startIntake(dbPath);
    const expected = { kind: "promoted", ignored: [`promoted by run ${runId}`] };
    expect(await intake.accept([stable()])).toEqual(expected);
    expect(await intake.accept([stable()])).toEqual(expected);
    expect(await intake.accept([stable({ digest: `sha256:${"6".repeat(64)}` })])).toMatchObject({
      kind: "queued",
    });
  });

  it("without a digest (Docker Hub), count within limits.dedupeTtl of the promotion only", async () => {
    const recent = join(tempDir(), "pushgate.db");
    const runId = await promoted(recent, new Date(Date.now() - 60_000));
    const { digest: _, ...undigested } = stable();
    expect(await startIntake(recent).accept([undigested])).toEqual({
      kind: "promoted",
      ignored: [`promoted by run ${runId}`],
    });
    const old = join(tempDir(), "pushgate.db");
    await promoted(old, new Date(Date.now() - 2 * 3_600_000));
    expect(await startIntake(old).accept([undigested])).toMatchObject({ kind: "queued" });
  });
});
