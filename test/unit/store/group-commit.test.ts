import { describe, expect, it } from "vitest";
import { dedupeKeyOf, type PushEvent } from "../../../src/sources/push-event.js";
import { GroupCommit, type Delivery } from "../../../src/store/group-commit.js";
import type { AcceptItem, AcceptOutcome } from "../../../src/store/run-store.js";

const item = (tag: string): AcceptItem => {
  const event: PushEvent = {
    source: "dockerhub",
    registry: "docker.io",
    repository: "acme/web",
    tag,
    pushedAt: new Date(0),
  };
  return { event, dedupeKey: dedupeKeyOf(event), pipelines: ["web"] };
};

/**
 * A write that records each batch it is given, takes `ms` to commit, and fails a batch that
 * holds the tag "bad" (as a transaction fails whole).
 */
function batches(ms = 0) {
  const written: string[][] = [];
  let writing = 0;
  let overlapped = false;
  const write = async (deliveries: readonly Delivery[]): Promise<AcceptOutcome[][]> => {
    writing += 1;
    overlapped ||= writing > 1;
    await new Promise((resolve) => setTimeout(resolve, ms));
    writing -= 1;
    const tags = deliveries.flatMap((d) => d.items.map((i) => i.event.tag));
    if (tags.includes("bad")) throw new Error("cannot write");
    written.push(tags);
    return deliveries.map((d) =>
      d.items.map(({ event: { tag } }) => ({
        kind: "recorded",
        eventId: `e-${tag}`,
        runIds: [`r-${tag}`],
      })),
    );
  };
  return { written, write, overlapped: () => overlapped };
}

describe("GroupCommit", () => {
  it("writes deliveries that arrive together in one batch, each answered with its own outcome", async () => {
    const { written, write } = batches();
    const commit = new GroupCommit(write);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        commit.accept([item(`v${i}`), item(`w${i}`)], new Date()),
      ),
    );
    expect(written).toHaveLength(1);
    expect(outcomes.map((o) => o.map((x) => (x.kind === "recorded" ? x.runIds[0] : "")))).toEqual(
      Array.from({ length: 20 }, (_, i) => [`r-v${i}`, `r-w${i}`]),
    );
  });

  it("writes one batch at a time, in order, collecting what arrives meanwhile", async () => {
    const { written, write, overlapped } = batches(20);
    const commit = new GroupCommit(write);
    const first = commit.accept([item("a")], new Date());
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = ["b", "c", "d"].map((tag) => commit.accept([item(tag)], new Date()));
    await Promise.all([first, ...later]);
    expect(written).toEqual([["a"], ["b", "c", "d"]]);
    expect(overlapped()).toBe(false);
  });

  it("isolates a delivery that cannot be written: the others in its batch are recorded", async () => {
    const { written, write } = batches();
    const commit = new GroupCommit(write);
    const results = await Promise.allSettled([
      commit.accept([item("ok1")], new Date()),
      commit.accept([item("bad")], new Date()),
      commit.accept([item("ok2")], new Date()),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(written).toEqual([["ok1"], ["ok2"]]);
  });

  it("hands each delivery's backlog to the write with its items", async () => {
    const seen: (number | undefined)[] = [];
    const commit = new GroupCommit((deliveries) => {
      seen.push(...deliveries.map((d) => d.options.backlog));
      return Promise.resolve(
        deliveries.map((d) =>
          d.items.map((): AcceptOutcome => ({ kind: "duplicate", eventId: "e" })),
        ),
      );
    });
    await Promise.all([
      commit.accept([item("a")], new Date(), { backlog: 3 }),
      commit.accept([item("b")], new Date()),
    ]);
    expect(seen).toEqual([3, undefined]);
  });
});
