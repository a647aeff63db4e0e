import type { RequestHandler } from "express";
import Joi from "joi";
import type { OutputChunk, RunOutput } from "../../store/run-store.js";
import { formatJoiErrors } from "../../validation/format-joi-errors.js";
import { HttpError } from "../http-error.js";
import { followRunLog, type FollowDeps } from "./follow-run-log.js";

const query = Joi.object<{ format: "text" | "json"; follow: boolean }>({
  format: Joi.string().valid("text", "json").default("text"),
  follow: Joi.boolean().truthy("1").falsy("0").default(false),
});

const EMPTY: RunOutput = { head: [], tail: [], totalBytes: 0, droppedBytes: 0 };

/**
 * GET /api/runs/:id/log — the run's captured test output. text/plain by default, stdout
 * and stderr interleaved as they came, with a marker where bytes were dropped; with
 * ?format=json, the pieces with their stream names and the byte counts; with ?follow=1,
 * a Server-Sent Events stream that goes on while the run is live. Configured secrets a test
 * printed are masked.
 */
export function runLog(deps: FollowDeps): RequestHandler {
  const { store, redact } = deps;
  return async (req, res) => {
    const result = query.validate(req.query, { abortEarly: false, errors: { label: false } });
    if (result.error) {
      throw new HttpError(400, "invalid_query", result.error.message, {
        problems: formatJoiErrors(result.error),
      });
    }
    const id = String(req.params.id);
    const run = await store.getRun(id);
    if (!run) throw new HttpError(404, "not_found", `no run ${id}`);
    if (result.value.follow) {
      await followRunLog(req, res, run, deps);
      return;
    }
    const output = masked((await store.getOutput(id)) ?? EMPTY, redact);
    if (result.value.format === "json") {
      res.json({ runId: id, state: run.state, reason: run.reason ?? null, ...output });
      return;
    }
    // An errored run's test could not run: its reason is what there is to read, never a blank.
    const errored = run.state === "errored" && run.reason ? erroredLine(output, run.reason) : "";
    res
      .type("text/plain; charset=utf-8")
      .set("Pushgate-Output-Bytes", String(output.totalBytes))
      .set("Pushgate-Dropped-Bytes", String(output.droppedBytes))
      .send(renderText(output) + redact(errored));
  };
}

/** A run's output with every configured secret masked. */
export function masked(output: RunOutput, redact: (text: string) => string): RunOutput {
  const mask = (chunk: OutputChunk) => ({ stream: chunk.stream, text: redact(chunk.text) });
  return { ...output, head: output.head.map(mask), tail: output.tail.map(mask) };
}

/** The line that ends an errored run's log: its reason, on a line of its own. */
function erroredLine(output: RunOutput, reason: string): string {
  const last = output.tail.at(-1) ?? output.head.at(-1);
  const newline = last && !last.text.endsWith("\n") ? "\n" : "";
  return `${newline}[pushgate: errored: ${reason}]\n`;
}

function renderText(output: RunOutput): string {
  const head = output.head.map(renderChunk).join("");
  const tail = output.tail.map(renderChunk).join("");
  if (output.droppedBytes === 0) return head + tail;
  const gap = `${head.endsWith("\n") || head === "" ? "" : "\n"}[pushgate: ${output.droppedBytes} bytes of output dropped]\n`;
  return head + gap + tail;
}

/** Test output as it came; a service's log lines prefixed with its name. */
function renderChunk(chunk: OutputChunk): string {
  if (chunk.stream === "stdout" || chunk.stream === "stderr") return chunk.text;
  return chunk.text
    .split(/(?<=\n)/)
    .map((line) => `[${chunk.stream}] ${line}`)
    .join("");
}
