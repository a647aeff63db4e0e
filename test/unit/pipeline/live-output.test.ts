import { describe, expect, it } from "vitest";
import { OutputCapture } from "../../../src/pipeline/capture-output.js";
import { LiveOutput, type RunFollower } from "../../../src/pipeline/live-output.js";

function recorder() {
  const seen: string[] = [];
  const follower: RunFollower = {
    output: (chunk) => seen.push(`${chunk.stream}:${chunk.text}`),
    state: (state) => seen.push(`state:${state}`),
    close: () => seen.push("close"),
  };
  return { seen, follower };
}

describe("LiveOutput", () => {
  it("gives a follower what was captured so far, then each new piece, never one twice", () => {
    const live = new LiveOutput();
    const capture = new OutputCapture();
    const sink = live.capture("run1", capture);
    sink.write("stdout", Buffer.from("before\n"));
    const { seen, follower } = recorder();
    expect(live.snapshot("run1")?.head).toEqual([{ stream: "stdout", text: "before\n" }]);
    live.follow("run1", follower);
    sink.write("stderr", Buffer.from("after\n"));
    live.moved("run1", "passed");
    expect(seen).toEqual(["stderr:after\n", "state:passed"]);
    expect(capture.result().totalBytes).toBe(13);
  });

  it("keeps a character split across two writes whole", () => {
    const live = new LiveOutput();
    const sink = live.capture("run1", new OutputCapture());
    const { seen, follower } = recorder();
    live.follow("run1", follower);
    const euro = Buffer.from("€\n");
    sink.write("stdout", euro.subarray(0, 2));
    sink.write("stdout", euro.subarray(2));
    expect(seen).toEqual(["stdout:€\n"]);
  });

  it("has no snapshot once released; stops telling a follower who left; closes the rest", () => {
    const live = new LiveOutput();
    const sink = live.capture("run1", new OutputCapture());
    live.release("run1");
    expect(live.snapshot("run1")).toBeUndefined();
    const gone = recorder();
    const staying = recorder();
    const leave = live.follow("run1", gone.follower);
    live.follow("run1", staying.follower);
    leave();
    sink.write("stdout", Buffer.from("x"));
    live.closeAll();
    live.moved("run1", "passed");
    expect(gone.seen).toEqual([]);
    expect(staying.seen).toEqual(["stdout:x", "close"]);
  });

  it("is not disturbed by a follower that throws", () => {
    const live = new LiveOutput();
    const sink = live.capture("run1", new OutputCapture());
    const { seen, follower } = recorder();
    live.follow("run1", {
      ...follower,
      output: () => {
        throw new Error("socket gone");
      },
    });
    live.follow("run1", follower);
    expect(() => sink.write("stdout", Buffer.from("x"))).not.toThrow();
    expect(seen).toEqual(["stdout:x"]);
  });
});
