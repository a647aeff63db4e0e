import { StringDecoder } from "node:string_decoder";
import type { OutputChunk, RunOutput } from "../store/run-store.js";
import type { OutputCapture } from "./capture-output.js";
import type { RunState } from "./run-states.js";

/** Where a run's output is written as it comes (an OutputCapture, or one shared with followers). */
export interface OutputSink {
  write(stream: string, data: Buffer): void;
}

/** Someone following a run: its output as it comes, its state changes, and pushgate stopping. */
export interface RunFollower {
  output(chunk: OutputChunk): void;
  state(state: RunState): void;
  close(): void;
}

/**
 * The output of runs being tested now, shared with whoever follows them (the SSE log
 * stream). While an attempt is live its capture is here; once the executor stored it, a
 * follower reads the store instead. Single-threaded: a snapshot and a subscription taken in
 * the same tick neither miss nor repeat a chunk.
 */
export class LiveOutput {
  private readonly captures = new Map<string, OutputCapture>();
  private readonly followers = new Map<string, Set<RunFollower>>();

  /** Makes `capture` the live output of the run: what is written reaches its followers too. */
  capture(runId: string, capture: OutputCapture): OutputSink {
    this.captures.set(runId, capture);
    const decoders = new Map<string, StringDecoder>();
    return {
      write: (stream, data) => {
        capture.write(stream, data);
        const followers = this.followers.get(runId);
        if (!followers?.size) return;
        let decoder = decoders.get(stream);
        if (!decoder) decoders.set(stream, (decoder = new StringDecoder("utf8")));
        const text = decoder.write(data);
        if (text) tell(followers, (f) => f.output({ stream, text }));
      },
    };
  }

  /** The attempt is over and its output stored. */
  release(runId: string): void {
    this.captures.delete(runId);
  }

  /** The runs whose attempt is live here. */
  runIds(): string[] {
    return [...this.captures.keys()];
  }

  /** What the live attempt printed so far; undefined when the run is not being tested. */
  snapshot(runId: string): RunOutput | undefined {
    return this.captures.get(runId)?.result();
  }

  /** Starts following a run; returns the function that stops. */
  follow(runId: string, follower: RunFollower): () => void {
    let set = this.followers.get(runId);
    if (!set) this.followers.set(runId, (set = new Set()));
    set.add(follower);
    return () => {
      set.delete(follower);
      if (set.size === 0 && this.followers.get(runId) === set) this.followers.delete(runId);
    };
  }

  /** A run moved to another state. */
  moved(runId: string, state: RunState): void {
    const followers = this.followers.get(runId);
    if (followers) tell(followers, (f) => f.state(state));
  }

  /** pushgate is stopping: every follower is told, and forgotten. */
  closeAll(): void {
    const all = [...this.followers.values()].flatMap((set) => [...set]);
    this.followers.clear();
    tell(all, (f) => f.close());
  }
}

/** A follower that fails (its client went away mid-write) never disturbs the run. */
function tell(followers: Iterable<RunFollower>, call: (follower: RunFollower) => void): void {
  for (const follower of [...followers]) {
    try {
      call(follower);
    } catch {
      // the follower's stream is gone; it unsubscribes when its request closes
    }
  }
}
