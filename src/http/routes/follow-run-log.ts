import type { Request, Response } from "express";
import type { LiveOutput } from "../../pipeline/live-output.js";
import { isFinal } from "../../pipeline/run-states.js";
import type { RunState } from "../../pipeline/run-states.js";
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
export async function followRunLog(
  req: Request,
  res: Response,
  run: RunRecord,
  deps: FollowDeps,
): Promise<void> {
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

  let closed = false;
  /** What came while the output so far was being read; undefined once it has been sent. */
  let held: { output: OutputChunk[]; states: RunState[] } | undefined = { output: [], states: [] };
  const close = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unfollow();
    res.end();
  };
  const endIfFinal = async (): Promise<void> => {
    const now = await store.getRun(run.id);
    if (closed || !now || !isFinal(now.state)) return;
    send("end", endEvent(now));
    close();
  };
  const onState = (state: RunState): void => {
    send("state", { state });
    void endIfFinal().catch(close);
  };
  const heartbeat = setInterval(() => {
    res.write(": keep-alive\n\n");
    if (!held) void endIfFinal().catch(close);
  }, HEARTBEAT_MS);
  // Subscribed before anything is read, so nothing printed meanwhile is missed.
  const unfollow = live.follow(run.id, {
    output: (chunk) => (held ? held.output.push(chunk) : sendChunk(chunk)),
    state: (state) => (held ? held.states.push(state) : onState(state)),
    close,
  });
  req.on("close", close);

  // The live attempt's output is read in the same tick as the pieces held are dropped: it
  // holds them. Output stored by an attempt that went live and ended while the store was
  // read is read again, once the attempt is over.
  let existing = live.snapshot(run.id) ?? (await store.getOutput(run.id));
  const liveNow = live.snapshot(run.id);
  if (liveNow) existing = liveNow;
  else if (held.output.length > 0) existing = await store.getOutput(run.id);
  if (closed) return;
  const states = held.states;
  held = undefined;
  // The state first, then the output it produced.
  const final = isFinal(run.state);
  if (!final) send("state", { state: run.state });
  existing?.head.forEach(sendChunk);
  if (existing?.droppedBytes) send("dropped", { bytes: existing.droppedBytes });
  existing?.tail.forEach(sendChunk);
  if (final) {
    send("end", endEvent(run));
    close();
    return;
  }
  states.forEach(onState);
}
