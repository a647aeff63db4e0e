import type { OutputChunk, RunOutput } from "../store/run-store.js";

/** What of a stored output comes after its first `from` bytes, in order. */
export interface OutputPart {
  head: OutputChunk[];
  /** Bytes after `from` that the stored output no longer has (the middle it dropped). */
  dropped: number;
  tail: OutputChunk[];
}

/**
 * The part of `output` after byte `from`, for a follower that was sent that much: the head
 * holds the first bytes, the tail the last, and the bytes between them were dropped.
 */
export function outputSince(output: RunOutput, from: number): OutputPart {
  const size = (chunks: readonly OutputChunk[]) =>
    chunks.reduce((n, chunk) => n + Buffer.byteLength(chunk.text), 0);
  const headEnd = size(output.head);
  const tailStart = output.totalBytes - size(output.tail);
  return {
    head: slice(output.head, 0, from),
    dropped: Math.max(0, tailStart - Math.max(from, headEnd)),
    tail: slice(output.tail, tailStart, Math.max(from, tailStart)),
  };
}

/** The pieces of `chunks` (starting at byte `start` of the output) from byte `from` on. */
function slice(chunks: readonly OutputChunk[], start: number, from: number): OutputChunk[] {
  const result: OutputChunk[] = [];
  let at = start;
  for (const chunk of chunks) {
    const bytes = Buffer.from(chunk.text);
    const end = at + bytes.length;
    if (end > from) {
      const text = bytes.subarray(Math.max(0, from - at)).toString("utf8");
      if (text) result.push({ stream: chunk.stream, text });
    }
    at = end;
  }
  return result;
}
