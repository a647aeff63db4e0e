import type { Request, Response } from "express";
import type { LiveOutput } from "../../pipeline/live-output.js";
import { isFinal } from "../../pipeline/run-states.js";
import type { OutputChunk, RunRecord, RunStore } from "../../store/run-store.js";

export interface FollowDeps {
  store: RunStore;
  live: LiveOutput;
  /** Masks configured secrets in output text. */
  redact: (text: string) => string;
}

/** A comment line now and then keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

/**
 * GET /api/runs/:id/log?follow=1 — the run's output as Server-Sent Events: what it printed
 * so far, then each new piece as it comes (`output`, data {stream, text}), `dropped` where
 * the stored output skips bytes, `state` on each state change, and `end` with the final
 * state, reason and exit code, after which the stream closes. It also closes when the client
 * goes or pushgate stops.
 */
export function followRunLog(req: Request, res: Response, run: RunRecord, deps: FollowDeps) {
  const { store, live, redact } = deps;
  res.status(200).set({
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
    "X-Accel-Buffering": "no",
  });
  res.flushHeaders();
  const send = (event: string, data: unknown): void => {
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const sendChunk = (chunk: OutputChunk): void =>
    send("output", { stream: chunk.stream, text: redact(chunk.text) });

  const endEvent = (ended: RunRecord) => ({
    state: ended.state,
    reason: ended.reason ?? null,
    exitCode: ended.exitCode ?? null,
  });

  // The state first, then the output it produced. Snapshot and subscription in one tick: no
  // piece is missed or sent twice.
  const final = isFinal(run.state);
  if (!final) send("state", { state: run.state });
  const existing = live.snapshot(run.id) ?? store.getOutput(run.id);
  existing?.head.forEach(sendChunk);
  if (existing?.droppedBytes) send("dropped", { bytes: existing.droppedBytes });
  existing?.tail.forEach(sendChunk);
  if (final) {
    send("end", endEvent(run));
    res.end();
    return;
  }

  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unfollow();
    res.end();
  };
  const endIfFinal = (): void => {
    const now = store.getRun(run.id);
    if (closed || !now || !isFinal(now.state)) return;
    send("end", endEvent(now));
    close();
  };
  const unfollow = live.follow(run.id, {
    output: sendChunk,
    state: (state) => {
      send("state", { state });
      endIfFinal();
    },
    close,
  });
  const heartbeat = setInterval(() => {
    res.write(": keep-alive\n\n");
    endIfFinal();
  }, HEARTBEAT_MS);
  req.on("close", close);
}
