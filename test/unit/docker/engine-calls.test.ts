import { describe, expect, it } from "vitest";
import { DockerError } from "../../../src/docker/docker-error.js";
import { EngineCalls } from "../../../src/docker/engine-calls.js";

const calls = new EngineCalls("tcp://10.0.0.5:2375", 50);
const never = () => new Promise<never>(() => undefined);

describe("EngineCalls", () => {
  it("answers what the call answers", async () => {
    await expect(calls.run("info", () => Promise.resolve(42))).resolves.toBe(42);
  });

  it("gives up at the deadline, naming the call and the engine, even when the call ignores its signal", async () => {
    const started = Date.now();
    const error = await calls.run("create test container", never).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(DockerError);
    expect(error).toMatchObject({
      code: "docker_timeout",
      message:
        "Docker at tcp://10.0.0.5:2375 did not answer create test container within 50ms (docker.callTimeout)",
    });
  });

  it("hands the call a signal that aborts at the deadline", async () => {
    let seen: AbortSignal | undefined;
    await calls
      .run("list containers", (signal) => {
        seen = signal;
        return never();
      })
      .catch(() => undefined);
    expect(seen?.aborted).toBe(true);
  });

  it("never aborts the signal of a call that answered: a stream it handed over lives on", async () => {
    let seen: AbortSignal | undefined;
    const controller = new AbortController();
    await calls.run(
      "attach test container",
      (signal) => {
        seen = signal;
        return Promise.resolve("stream");
      },
      controller.signal,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort(new Error("cancelled later"));
    expect(seen?.aborted).toBe(false);
  });

  it("throws the run's abort reason when the run is aborted first", async () => {
    const controller = new AbortController();
    const reason = new Error("cancelled");
    setTimeout(() => controller.abort(reason), 10);
    const slow = new EngineCalls("unix:///var/run/docker.sock", 5000);
    await expect(slow.run("start test container", never, controller.signal)).rejects.toBe(reason);
  });

  it("passes other failures through unchanged", async () => {
    const failure = Object.assign(new Error("(HTTP code 404) no such container"), {
      statusCode: 404,
    });
    await expect(calls.run("remove", () => Promise.reject(failure))).rejects.toBe(failure);
  });
});
