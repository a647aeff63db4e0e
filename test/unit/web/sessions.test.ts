import { describe, expect, it } from "vitest";
import { hashSessionId } from "../../../src/web/session/session-cookie.js";
import { Sessions } from "../../../src/web/session/sessions.js";
import { safeNext } from "../../../src/web/session/sign-in-routes.js";
import { storeOpener } from "../../support/open-store.js";

const open = storeOpener();
const HOUR = 3_600_000;

function sessionsAt(idleMs = 12 * HOUR) {
  const store = open();
  let now = new Date("2026-03-10T08:00:00.000Z").getTime();
  const sessions = new Sessions({ store, idleMs, clock: () => new Date(now) });
  return { store, sessions, pass: (ms: number) => (now += ms) };
}

describe("Sessions", () => {
  it("gives a random id the store knows only by its SHA-256, with a random form token", async () => {
    const { store, sessions } = sessionsAt();
    const one = await sessions.start();
    const two = await sessions.start();
    expect(one.id).toMatch(/^[\w-]{43}$/);
    expect(one.id).not.toBe(two.id);
    expect(one.session.csrfToken).not.toBe(two.session.csrfToken);
    expect(one.session.idHash).toBe(hashSessionId(one.id));
    expect(await store.getSession(one.id)).toBeUndefined();
    expect(await store.getSession(hashSessionId(one.id))).toEqual(one.session);
    expect(await sessions.find(one.id)).toEqual(one.session);
    expect(await sessions.find("not-a-session")).toBeUndefined();
    expect(await sessions.find(undefined)).toBeUndefined();
  });

  it("ends a session left idle for sessionIdle; using it keeps it going", async () => {
    const { store, sessions, pass } = sessionsAt(12 * HOUR);
    const { id, session } = await sessions.start();
    pass(11 * HOUR);
    expect(await sessions.find(id)).toBeDefined();
    pass(11 * HOUR); // 11 h since it was last used
    expect((await sessions.find(id))?.idHash).toBe(session.idHash);
    pass(12 * HOUR);
    expect(await sessions.find(id)).toBeUndefined();
    expect(await store.getSession(session.idHash)).toBeUndefined();
  });

  it("writes a session's last use at most once a minute, not on every request", async () => {
    const { store, sessions, pass } = sessionsAt();
    const { id, session } = await sessions.start();
    pass(30_000);
    await sessions.find(id);
    expect((await store.getSession(session.idHash))?.lastSeenAt).toEqual(session.lastSeenAt);
    pass(31_000);
    await sessions.find(id);
    expect((await store.getSession(session.idHash))?.lastSeenAt.toISOString()).toBe(
      "2026-03-10T08:01:01.000Z",
    );
  });

  it("sweeps out idle sessions when a new one starts, and ends one on sign-out", async () => {
    const { store, sessions, pass } = sessionsAt(HOUR);
    const old = await sessions.start();
    pass(2 * HOUR);
    const fresh = await sessions.start();
    expect(await store.getSession(old.session.idHash)).toBeUndefined();
    await sessions.end(fresh.id);
    expect(await sessions.find(fresh.id)).toBeUndefined();
  });
});

describe("safeNext", () => {
  it.each([
    ["/", "/"],
    ["/runs/01J0?notice=x", "/runs/01J0?notice=x"],
    ["/pipelines#queue", "/pipelines#queue"],
  ])("keeps the path %s", (given, kept) => {
    expect(safeNext(given)).toBe(kept);
  });

  it.each([
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "runs",
    `/${"x".repeat(2001)}`,
    undefined,
    ["/runs"],
  ])("goes to / instead of %s", (given) => {
    expect(safeNext(given)).toBe("/");
  });
});
