import { describe, expect, it } from "vitest";
import {
  TransportError,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
} from "../../../src/actions/http-client.js";
import {
  backoffDelay,
  sendWithRetry,
  type RetryPolicy,
} from "../../../src/actions/send-with-retry.js";
import type { ActionAttempt } from "../../../src/store/run-store.js";
import { fakeClock } from "../../support/fake-clock.js";

const POLICY: RetryPolicy = { attempts: 5, backoffMs: 1000, maxBackoffMs: 8000 };

/** Answers each call with the next scripted outcome: a status, or a transport failure. */
function scripted(...script: (number | TransportError)[]): HttpClient & { calls: number } {
  const client = {
    calls: 0,
    send(): Promise<HttpResponse> {
      const next = script[client.calls] ?? 200;
      client.calls += 1;
      if (next instanceof TransportError) return Promise.reject(next);
      return Promise.resolve({
        status: next,
        headers: next === 429 ? { "retry-after": "5" } : {},
        body: "",
      });
    },
  };
  return client;
}

const request = (signal = new AbortController().signal): HttpRequest => ({
  method: "POST",
  url: "http://127.0.0.1:1/hook",
  headers: {},
  timeoutMs: 1000,
  signal,
});

async function run(http: ReturnType<typeof scripted>, policy = POLICY, random = () => 0.5) {
  const clock = fakeClock();
  const attempts: ActionAttempt[] = [];
  const outcome = await sendWithRetry({ http, clock, random }, request(), policy, (a) => {
    attempts.push(a);
  }).then(
    (response) => response.status,
    (error: unknown) => error,
  );
  return { outcome, attempts, sleeps: clock.sleeps, calls: http.calls };
}

const refused = () => new TransportError("refused", "connection refused (127.0.0.1:1)");

describe("sendWithRetry", () => {
  it("retries 5xx and refused connections with growing waits, then returns the answer", async () => {
    const result = await run(scripted(503, refused(), 500, 201));
    expect(result.outcome).toBe(201);
    expect(result.calls).toBe(4);
    expect(result.sleeps).toEqual([750, 1500, 3000]);
    expect(result.attempts.map((a) => a.status ?? a.error)).toEqual([
      503,
      "connection refused (127.0.0.1:1)",
      500,
      201,
    ]);
  });

  it.each([400, 401, 403, 404, 409])("does not retry %i", async (status) => {
    const result = await run(scripted(status));
    expect(result).toMatchObject({ outcome: status, calls: 1, sleeps: [] });
  });

  it("stops at the bound and returns the last 5xx", async () => {
    const result = await run(scripted(503, 503, 503, 503, 503, 503, 503));
    expect(result.outcome).toBe(503);
    expect(result.calls).toBe(5);
    expect(result.attempts).toHaveLength(5);
  });

  it("throws the last transport error once the bound is reached", async () => {
    const result = await run(scripted(refused(), refused(), refused()), { ...POLICY, attempts: 3 });
    expect(result.outcome).toBeInstanceOf(TransportError);
    expect(result.calls).toBe(3);
  });

  it("caps each wait at maxBackoff", async () => {
    const result = await run(
      scripted(503, 503, 503, 503, 503, 503, 503, 503),
      {
        ...POLICY,
        attempts: 8,
      },
      () => 0.999,
    );
    expect(Math.max(...result.sleeps)).toBeLessThanOrEqual(POLICY.maxBackoffMs);
    expect(result.sleeps.slice(-3)).toEqual([7996, 7996, 7996]);
  });

  it("honours Retry-After up to the cap", async () => {
    const result = await run(scripted(429, 200));
    expect(result.sleeps).toEqual([5000]);
  });

  it("honours a 429's retry_after in its body (Discord's seconds, to the millisecond)", async () => {
    const limited = {
      calls: 0,
      send(): Promise<HttpResponse> {
        limited.calls += 1;
        return Promise.resolve(
          limited.calls === 1
            ? {
                status: 429,
                headers: { "retry-after": "3" },
                body: '{"message":"You are being rate limited.","retry_after":3.217,"global":false}',
              }
            : { status: 204, headers: {}, body: "" },
        );
      },
    };
    const clock = fakeClock();
    const response = await sendWithRetry(
      { http: limited, clock, random: () => 0 },
      request(),
      POLICY,
    );
    expect(response.status).toBe(204);
    expect(clock.sleeps).toEqual([3217]);
  });

  it("stops at an answer the caller knows to be final, asking only of retryable answers", async () => {
    const http = scripted(500, 503);
    const asked: number[] = [];
    const status = await sendWithRetry(
      { http, clock: fakeClock(), random: () => 0.5 },
      request(),
      POLICY,
      undefined,
      (response) => {
        asked.push(response.status);
        return Promise.resolve(response.status === 500);
      },
    ).then((response) => response.status);
    expect(status).toBe(500);
    expect(http.calls).toBe(1);
    expect(asked).toEqual([500]);
  });

  it("stops at once when aborted, without another try", async () => {
    const controller = new AbortController();
    const http = scripted(503, 503);
    const clock = fakeClock();
    controller.abort(new Error("shutting down"));
    await expect(
      sendWithRetry({ http, clock, random: () => 0 }, request(controller.signal), POLICY),
    ).rejects.toThrow("shutting down");
    expect(http.calls).toBe(1);
  });
});

describe("backoffDelay", () => {
  it("doubles per failure, with jitter between half and all of the step", () => {
    for (const failed of [1, 2, 3]) {
      const step = 1000 * 2 ** (failed - 1);
      expect(backoffDelay(failed, POLICY, () => 0)).toBe(step / 2);
      expect(backoffDelay(failed, POLICY, () => 0.999999)).toBe(step);
    }
    expect(backoffDelay(10, POLICY, () => 0)).toBe(4000);
  });
});
