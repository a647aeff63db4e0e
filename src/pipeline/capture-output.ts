import type { OutputChunk, RunOutput } from "../store/run-store.js";

interface Piece {
  stream: string;
  data: Buffer;
}

/** 64 KiB from the start and 64 KiB from the end: enough to see how a test began and ended. */
export const DEFAULT_HEAD_BYTES = 64 * 1024;
export const DEFAULT_TAIL_BYTES = 64 * 1024;

/**
 * Collects a run's output in the order it arrives, in bounded memory: the first `headBytes`
 * and the last `tailBytes` are kept, and the bytes between are only counted.
 */
export class OutputCapture {
  private readonly head: Piece[] = [];
  private tail: Piece[] = [];
  /** Pieces before this index have left the tail (cheaper than shifting on every write). */
  private tailStart = 0;
  private headSize = 0;
  private tailSize = 0;
  private total = 0;
  private dropped = 0;

  constructor(
    private readonly headBytes = DEFAULT_HEAD_BYTES,
    private readonly tailBytes = DEFAULT_TAIL_BYTES,
  ) {}

  write(stream: string, data: Buffer): void {
    this.total += data.length;
    let rest = data;
    if (this.headSize < this.headBytes) {
      const take = Math.min(rest.length, this.headBytes - this.headSize);
      this.head.push({ stream, data: rest.subarray(0, take) });
      this.headSize += take;
      rest = rest.subarray(take);
    }
    if (rest.length === 0) return;
    this.tail.push({ stream, data: Buffer.from(rest) });
    this.tailSize += rest.length;
    while (this.tailSize > this.tailBytes) {
      const first = this.tail[this.tailStart];
      if (!first) break;
      const excess = this.tailSize - this.tailBytes;
      const cut = Math.min(excess, first.data.length);
      if (cut === first.data.length) this.tailStart += 1;
      else first.data = first.data.subarray(cut);
      this.tailSize -= cut;
      this.dropped += cut;
    }
    if (this.tailStart > 1024 && this.tailStart * 2 > this.tail.length) {
      this.tail = this.tail.slice(this.tailStart);
      this.tailStart = 0;
    }
  }

  result(): RunOutput {
    return {
      head: merge(this.head),
      tail: merge(this.tail.slice(this.tailStart)),
      totalBytes: this.total,
      droppedBytes: this.dropped,
    };
  }
}

/** Joins neighbouring pieces of the same stream (one copy per run of them), then decodes them. */
function merge(pieces: readonly Piece[]): OutputChunk[] {
  const runs: { stream: string; parts: Buffer[] }[] = [];
  for (const piece of pieces) {
    const last = runs.at(-1);
    if (last && last.stream === piece.stream) last.parts.push(piece.data);
    else runs.push({ stream: piece.stream, parts: [piece.data] });
  }
  return runs.map(({ stream, parts }) => ({
    stream,
    text: Buffer.concat(parts).toString("utf8"),
  }));
}
