import { describe, expect, it } from "vitest";
import { outputSince } from "../../../src/pipeline/output-since.js";

describe("outputSince", () => {
  const whole = {
    head: [
      { stream: "stdout", text: "one\n" },
      { stream: "stderr", text: "two\n" },
    ],
    tail: [],
    totalBytes: 8,
    droppedBytes: 0,
  };

  it("gives what came after the bytes a follower has, split where it must be", () => {
    expect(outputSince(whole, 0).head).toEqual(whole.head);
    expect(outputSince(whole, 6)).toEqual({
      head: [{ stream: "stderr", text: "o\n" }],
      dropped: 0,
      tail: [],
    });
    expect(outputSince(whole, 8)).toEqual({ head: [], dropped: 0, tail: [] });
  });

  it("says how much of the middle is gone, and goes on with the tail", () => {
    const capped = {
      head: [{ stream: "stdout", text: "abcd" }],
      tail: [{ stream: "stdout", text: "wxyz" }],
      totalBytes: 20,
      droppedBytes: 12,
    };
    expect(outputSince(capped, 2)).toEqual({
      head: [{ stream: "stdout", text: "cd" }],
      dropped: 12,
      tail: [{ stream: "stdout", text: "wxyz" }],
    });
    expect(outputSince(capped, 18)).toEqual({
      head: [],
      dropped: 0,
      tail: [{ stream: "stdout", text: "yz" }],
    });
    expect(outputSince(capped, 10)).toEqual({
      head: [],
      dropped: 6,
      tail: [{ stream: "stdout", text: "wxyz" }],
    });
  });
});
