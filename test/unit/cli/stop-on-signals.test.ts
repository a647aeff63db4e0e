import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { stopOnSignals, type StopSignal } from "../../../src/cli/stop-on-signals.js";
import { createLogger } from "../../../src/observability/logger.js";

/** A process stand-in: signals to send, exits and stops recorded. */
function harness(stopResult: Promise<void> = Promise.resolve(), running = 0) {
  const source = new EventEmitter();
  const exits: number[] = [];
  const events: string[] = [];
  const told: string[] = [];
  const watch = stopOnSignals(
    { on: (signal, listener) => source.on(signal, listener) },
    (code) => {
      exits.push(code);
      events.push(`exit ${code}`);
    },
    (line) => told.push(line),
  );
  const service = {
    logger: createLogger({ level: "error", secrets: [], stream: new PassThrough() }),
    stop: () => {
      events.push("stop");
      return stopResult;
    },
    runningTests: () => running,
    stopNow: () => {
      events.push("stop now");
    },
  };
  const send = (signal: StopSignal) => source.emit(signal, signal);
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { watch, service, send, settle, exits, events, told, listeners: source };
}

describe("stopOnSignals", () => {
  it("listens for SIGTERM and SIGINT from the start, before the service exists", () => {
    const { listeners } = harness();
    expect(listeners.listenerCount("SIGTERM")).toBe(1);
    expect(listeners.listenerCount("SIGINT")).toBe(1);
  });

  it("a SIGTERM during start-up stops the service as soon as it is started, then exits 0", async () => {
    const { watch, service, send, settle, events } = harness();
    send("SIGTERM");
    await settle();
    expect(events).toEqual([]);
    expect(watch.stopping).toBe(true);
    watch.started(service, 30_000);
    await settle();
    expect(events).toEqual(["stop", "exit 0"]);
  });

  it("a signal once started stops at once", async () => {
    const { watch, service, send, settle, events } = harness();
    watch.started(service, 30_000);
    expect(watch.stopping).toBe(false);
    send("SIGINT");
    await settle();
    expect(events).toEqual(["stop", "exit 0"]);
  });

  it("a second signal exits 130 without waiting, during start-up too", () => {
    const { send, exits } = harness();
    send("SIGTERM");
    send("SIGTERM");
    expect(exits).toEqual([130]);
  });

  it("with tests running, says how long it waits and how to stop now", async () => {
    const { watch, service, send, settle, told } = harness(new Promise(() => undefined), 1);
    watch.started(service, 30_000);
    send("SIGINT");
    await settle();
    expect(told).toEqual([
      "stopping: waiting up to 30s for 1 running test (Ctrl-C again to stop now)",
    ]);
  });

  it("with no test running, stops without a word", async () => {
    const { watch, service, send, settle, told, events } = harness();
    watch.started(service, 30_000);
    send("SIGTERM");
    await settle();
    expect(told).toEqual([]);
    expect(events).toEqual(["stop", "exit 0"]);
  });

  it("a second signal while stopping stops the tests now, waits for that, then exits 130", async () => {
    let finish = (): void => undefined;
    const stopping = new Promise<void>((resolve) => (finish = resolve));
    const { watch, service, send, settle, told, events } = harness(stopping, 2);
    watch.started(service, 30_000);
    send("SIGINT");
    send("SIGINT");
    await settle();
    expect(told[1]).toBe("stopping now: removing 2 running tests; their runs go back to the queue");
    expect(events).toEqual(["stop", "stop now"]);
    finish();
    await settle();
    await settle();
    expect(events).toEqual(["stop", "stop now", "exit 130"]);
  });

  it("a stop that fails exits 1", async () => {
    const { watch, service, send, settle, exits } = harness(Promise.reject(new Error("store")));
    watch.started(service, 1000);
    send("SIGTERM");
    await settle();
    expect(exits).toEqual([1]);
  });
});
