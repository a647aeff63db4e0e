import type { Request, Response } from "express";
import type { LiveOutput } from "../../pipeline/live-output.js";
import { outputSince } from "../../pipeline/output-since.js";
import { isFinal } from "../../pipeline/run-states.js";
import type { RunState } from "../../pipeline/run-states.js";
import type { OutputChunk, RunOutput, RunRecord, RunStore } from "../../store/run-store.js";

export interface FollowDeps {
  store: RunStore;
  live: LiveOutput;
  /** Masks configured secrets in output text. */
  redact: (text: string) => string;
  /**
   * With a store shared by replicas: how often a run executing elsewhere is read again (its
   * output as the replica testing it stores it, and its state).
   */
  pollMs?: number;
}

/** A comment line now and then keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

/**
 * GET /api/runs/:id/log?follow=1 — the run's output as Server-Sent Events: what it printed
 * so far, then each new piece as it comes (`output`, data {stream, text}), `dropped` where
 * the stored output skips bytes, `state` on each state change, and `end` with the final
 * state, reason and exit code, after which the stream closes. It also closes when the client
 * goes or pushgate stops. A run executing on another replica is followed through the store.
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
  /** Bytes of output sent so far: where what another replica stored goes on from. */
  let sentBytes = 0;
  const sendChunk = (chunk: OutputChunk): void => {
    sentBytes += Buffer.byteLength(chunk.text);
    send("output", { stream: chunk.stream, text: redact(chunk.text) });
  };
  const sendDropped = (bytes: number): void => {
    sentBytes += bytes;
    send("dropped", { bytes });
  };

  const endEvent = (ended: RunRecord) => ({
    state: ended.state,
    reason: ended.reason ?? null,
    exitCode: ended.exitCode ?? null,
  });

  let closed = false;
  /** What came while the output so far was being read; undefined once it has been sent. */
  let held: { output: OutputChunk[]; states: RunState[] } | undefined = { output: [], states: [] };
  let lastState: RunState = run.state;
  const close = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    clearInterval(poll);
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
    if (state === lastState) return;
    lastState = state;
    send("state", { state });
    void endIfFinal().catch(close);
  };
  const sendPart = (output: RunOutput, from: number): void => {
    const part = outputSince(output, from);
    part.head.forEach(sendChunk);
    if (part.dropped > 0) sendDropped(part.dropped);
    part.tail.forEach(sendChunk);
  };
  // A run executing on another replica: its output as that replica stores it, its states.
  const pollStore = async (): Promise<void> => {
    if (closed || held || live.snapshot(run.id)) return;
    const output = await store.getOutput(run.id);
    if (closed || live.snapshot(run.id)) return;
    // Less than was sent: a new attempt began, with output of its own.
    if (output && output.totalBytes < sentBytes) sentBytes = 0;
    if (output && output.totalBytes > sentBytes) sendPart(output, sentBytes);
    const now = await store.getRun(run.id);
    if (now && !closed) onState(now.state);
  };
  const poll =
    deps.pollMs === undefined
      ? undefined
      : setInterval(() => void pollStore().catch(() => undefined), deps.pollMs);
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
  if (existing) sendPart(existing, 0);
  if (final) {
    send("end", endEvent(run));
    close();
    return;
  }
  states.forEach(onState);
}
