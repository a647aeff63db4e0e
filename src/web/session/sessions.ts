import { randomBytes } from "node:crypto";
import type { RunStore, SessionRecord } from "../../store/run-store.js";
import { hashSessionId } from "./session-cookie.js";

/** How often a session's last use is written at most: a page view is not a store write. */
const TOUCH_EVERY_MS = 60_000;

export interface SessionsOptions {
  store: RunStore;
  /** A session unused this long ends (auth.sessionIdle). */
  idleMs: number;
  clock?: () => Date;
}

/**
 * Dashboard sessions, kept in the store so every pushgate on it knows them: a random id
 * (256 bits) that only the cookie holds, its SHA-256 in the store with a random form token,
 * and an end once unused for `idleMs`.
 */
export class Sessions {
  private readonly clock: () => Date;
  private readonly touchEveryMs: number;

  constructor(private readonly options: SessionsOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.touchEveryMs = Math.min(TOUCH_EVERY_MS, options.idleMs / 10);
  }

  /** A new session; sessions idle past their time are swept out on the way. */
  async start(): Promise<{ id: string; session: SessionRecord }> {
    const now = this.clock();
    await this.options.store.deleteIdleSessions(new Date(now.getTime() - this.options.idleMs));
    const id = randomBytes(32).toString("base64url");
    const session: SessionRecord = {
      idHash: hashSessionId(id),
      csrfToken: randomBytes(32).toString("base64url"),
      createdAt: now,
      lastSeenAt: now,
    };
    await this.options.store.createSession(session);
    return { id, session };
  }

  /** The live session of an id, its last use moved on; undefined when unknown or idle too long. */
  async find(id: string | undefined): Promise<SessionRecord | undefined> {
    if (id === undefined) return undefined;
    const { store, idleMs } = this.options;
    const session = await store.getSession(hashSessionId(id));
    if (!session) return undefined;
    const now = this.clock();
    const idle = now.getTime() - session.lastSeenAt.getTime();
    if (idle >= idleMs) {
      await store.deleteSession(session.idHash);
      return undefined;
    }
    if (idle >= this.touchEveryMs) {
      await store.touchSession(session.idHash, now);
      return { ...session, lastSeenAt: now };
    }
    return session;
  }

  async end(id: string | undefined): Promise<void> {
    if (id !== undefined) await this.options.store.deleteSession(hashSessionId(id));
  }
}
