import { spawnSync } from "node:child_process";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { BufferedLines } from "../../../src/observability/buffered-lines.js";

const MESSAGE = Symbol.for("message");
const logger = new URL("../../../src/observability/logger.ts", import.meta.url).href;

function recording() {
  const writes: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString());
      done();
    },
  });
  return { out, writes };
}

/** A process that logs through pushgate's logger to standard output, then ends as `end` says. */
function logThenEnd(end: string): { stdout: string; status: number | null } {
  const script = `
    const { createLogger } = await import(${JSON.stringify(logger)});
    const log = createLogger({ level: "info", secrets: [] });
    for (let i = 1; i <= 3; i++) log.info("line " + i);
    ${end}`;
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", script],
    {
      encoding: "utf8",
      timeout: 20_000,
    },
  );
  return { stdout: child.stdout, status: child.status };
}

const messages = (stdout: string): string[] =>
  stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { message: string }).message);

describe("buffered log lines on standard output", () => {
  it("writes the lines of one turn of the event loop in one write, in order", async () => {
    const { out, writes } = recording();
    const lines = new BufferedLines(out);
    for (const n of [1, 2, 3]) lines.log({ [MESSAGE]: `{"n":${n}}` }, () => undefined);
    expect(writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual(['{"n":1}\n{"n":2}\n{"n":3}\n']);
    lines.close();
  });

  it("writes what is waiting when closed", () => {
    const { out, writes } = recording();
    const lines = new BufferedLines(out);
    lines.log({ [MESSAGE]: "last" }, () => undefined);
    lines.close();
    expect(writes).toEqual(["last\n"]);
  });

  it("loses no line when the process exits in the same turn", () => {
    const ended = logThenEnd("process.exit(3);");
    expect(ended.status).toBe(3);
    expect(messages(ended.stdout)).toEqual(["line 1", "line 2", "line 3"]);
  });

  it("loses no line when the process dies of an uncaught error", () => {
    const ended = logThenEnd('throw new Error("boom");');
    expect(ended.status).toBe(1);
    expect(messages(ended.stdout)).toEqual(["line 1", "line 2", "line 3"]);
  });
});
