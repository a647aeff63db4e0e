import { describe, expect, it } from "vitest";
import { OutputCapture } from "../../../src/pipeline/capture-output.js";

describe("OutputCapture", () => {
  it("keeps everything under the limits, in order, neighbours of one stream joined", () => {
    const capture = new OutputCapture(100, 100);
    capture.write("stdout", Buffer.from("a"));
    capture.write("stdout", Buffer.from("b"));
    capture.write("stderr", Buffer.from("c"));
    expect(capture.result()).toEqual({
      head: [
        { stream: "stdout", text: "ab" },
        { stream: "stderr", text: "c" },
      ],
      tail: [],
      totalBytes: 3,
      droppedBytes: 0,
    });
  });

  it("keeps the head and the tail and counts what was dropped between", () => {
    const capture = new OutputCapture(4, 3);
    capture.write("stdout", Buffer.from("0123456"));
    capture.write("stderr", Buffer.from("789"));
    capture.write("stdout", Buffer.from("AB"));
    const result = capture.result();
    expect(result.head).toEqual([{ stream: "stdout", text: "0123" }]);
    expect(result.tail).toEqual([
      { stream: "stderr", text: "9" },
      { stream: "stdout", text: "AB" },
    ]);
    expect(result.totalBytes).toBe(12);
    expect(result.droppedBytes).toBe(12 - 4 - 3);
  });

  it("holds no more than head + tail bytes however much is written", () => {
    const capture = new OutputCapture(1024, 1024);
    for (let i = 0; i < 1000; i++) capture.write("stdout", Buffer.alloc(1000, "x"));
    const { head, tail, totalBytes, droppedBytes } = capture.result();
    const kept = [...head, ...tail].reduce((n, c) => n + c.text.length, 0);
    expect(kept).toBe(2048);
    expect(totalBytes).toBe(1_000_000);
    expect(droppedBytes).toBe(1_000_000 - 2048);
  });

  it("keeps the last bytes in order through many tiny writes from both streams", () => {
    const capture = new OutputCapture(2, 12);
    const streams = ["stdout", "stderr"] as const;
    let written = "";
    for (let i = 0; i < 5000; i++) {
      const text = String(i % 10);
      written += text;
      capture.write(streams[Math.floor(i / 3) % 2] ?? "stdout", Buffer.from(text));
    }
    const { head, tail, droppedBytes } = capture.result();
    expect(head.map((c) => c.text).join("")).toBe(written.slice(0, 2));
    expect(tail.map((c) => c.text).join("")).toBe(written.slice(-12));
    // The writes of 4998 and 4999 went to stdout (i / 3 = 1666), that of 4997 to stderr.
    expect(tail.at(-1)).toEqual({ stream: "stdout", text: "89" });
    expect(droppedBytes).toBe(5000 - 2 - 12);
  });
});
