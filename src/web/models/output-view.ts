import { AnsiUp } from "ansi_up";
import type { OutputChunk, RunOutput } from "../../store/run-store.js";

/** A stretch of output from one stream, as HTML ready to print: escaped, ANSI colours as spans. */
export type OutputPart =
  | { kind: "text"; stream: "stdout" | "stderr" | "service"; html: string }
  | { kind: "dropped"; text: string };

export interface OutputView {
  parts: OutputPart[];
  totalBytes: number;
  droppedBytes: number;
  empty: boolean;
}

/**
 * A run's stored output (its secrets already masked) as a page shows it: stdout and stderr
 * in the order they came, a service's lines prefixed with its name, ANSI colours rendered by
 * ansi_up (which escapes every character of the text: nothing in the output becomes markup),
 * and a marker where the middle was dropped.
 */
export function outputView(output: RunOutput | undefined): OutputView {
  if (!output) return { parts: [], totalBytes: 0, droppedBytes: 0, empty: true };
  const renderers = new Map<string, AnsiUp>();
  const parts: OutputPart[] = [];
  const add = (chunk: OutputChunk): void => {
    let renderer = renderers.get(chunk.stream);
    if (!renderer) {
      renderer = new AnsiUp();
      renderer.use_classes = true;
      renderers.set(chunk.stream, renderer);
    }
    const stream = streamKind(chunk.stream);
    const text = stream === "service" ? prefixLines(chunk.stream, chunk.text) : chunk.text;
    const html = renderer.ansi_to_html(text);
    const last = parts.at(-1);
    if (last?.kind === "text" && last.stream === stream) last.html += html;
    else parts.push({ kind: "text", stream, html });
  };
  output.head.forEach(add);
  if (output.droppedBytes > 0) {
    parts.push({ kind: "dropped", text: droppedText(output.droppedBytes) });
  }
  output.tail.forEach(add);
  return {
    parts,
    totalBytes: output.totalBytes,
    droppedBytes: output.droppedBytes,
    empty: output.totalBytes === 0,
  };
}

/** The marker where the stored output skips its middle. */
export function droppedText(bytes: number): string {
  return `… ${bytes.toLocaleString("en-US")} bytes of output dropped here (the first and last parts are kept) …`;
}

function streamKind(stream: string): "stdout" | "stderr" | "service" {
  return stream === "stdout" || stream === "stderr" ? stream : "service";
}

/** "[service db] " before each line of a service's log, as the raw text has it. */
function prefixLines(stream: string, text: string): string {
  return text
    .split(/(?<=\n)/)
    .map((line) => `[${stream}] ${line}`)
    .join("");
}
