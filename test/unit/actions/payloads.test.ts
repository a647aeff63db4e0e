import { describe, expect, it } from "vitest";
import { answerMessage, describeAnswer } from "../../../src/actions/describe-answer.js";
import { callbackPayloadOf } from "../../../src/actions/dockerhub-callback.js";
import { formatElapsed } from "../../../src/actions/format-elapsed.js";
import { slackMessageOf, webhookPayloadOf } from "../../../src/actions/notify.js";
import { DIGEST, outcomeOf } from "../../support/outcomes.js";

const LINK = "https://pushgate.example/api/runs/01HRUN00000000000000000000";

describe("slackMessageOf", () => {
  it("says image, result, duration and links the run", () => {
    expect(slackMessageOf(outcomeOf(), LINK).text).toBe(
      `*acme/web:v1.2* :white_check_mark: passed in 42s (pipeline web, <${LINK}|run 01HRUN00000000000000000000>)`,
    );
  });

  it("gives the reason of a failure, and no link without a public URL", () => {
    const text = slackMessageOf(
      outcomeOf({ verdict: "failed", reason: "exit code 3" }),
      undefined,
    ).text;
    expect(text).toBe(
      "*acme/web:v1.2* :x: failed: exit code 3 in 42s (pipeline web, run 01HRUN00000000000000000000)",
    );
  });
});

describe("webhookPayloadOf", () => {
  it("carries the run, its result and the image tested", () => {
    expect(webhookPayloadOf(outcomeOf({ event: { pusher: "ci" } }), LINK)).toEqual({
      runId: "01HRUN00000000000000000000",
      pipeline: "web",
      result: "passed",
      reason: null,
      image: `acme/web@${DIGEST}`,
      registry: "docker.io",
      repository: "acme/web",
      tag: "v1.2",
      digest: DIGEST,
      pusher: "ci",
      source: "dockerhub",
      durationMs: 42_000,
      url: LINK,
    });
  });
});

describe("callbackPayloadOf", () => {
  it.each([
    ["passed", "success", "Tests passed"],
    ["failed", "failure", "Tests failed: exit code 1"],
    ["errored", "error", "Tests could not be run: exit code 1"],
  ] as const)("%s → %s", (verdict, state, description) => {
    expect(callbackPayloadOf(outcomeOf({ verdict, reason: "exit code 1" }), LINK)).toEqual({
      state,
      description,
      context: "pushgate",
      target_url: LINK,
    });
  });
});

describe("answer messages", () => {
  const answer = (status: number, body: string) => ({ status, headers: {}, body });

  it("takes Jenkins' message from its Jetty error page", () => {
    const page =
      "<html><head><title>Error 409 deploy/web is not buildable</title></head><body>...</body></html>";
    expect(describeAnswer(answer(409, page))).toBe("HTTP 409: deploy/web is not buildable");
    expect(
      answerMessage(answer(401, "<title>Error 401 Invalid password/token for user: bob</title>")),
    ).toBe("Invalid password/token for user: bob");
  });

  it("reads JSON messages and plain text, in one bounded line", () => {
    expect(describeAnswer(answer(400, '{"message":"bad tag"}'))).toBe("HTTP 400: bad tag");
    expect(describeAnswer(answer(500, "  oops\n  at line 2 "))).toBe("HTTP 500: oops at line 2");
    expect(describeAnswer(answer(502, ""))).toBe("HTTP 502");
    expect(answerMessage(answer(500, "x".repeat(500))).length).toBe(200);
  });
});

describe("formatElapsed", () => {
  it.each([
    [850, "850ms"],
    [42_000, "42s"],
    [185_000, "3m 5s"],
    [3_720_000, "1h 2m"],
  ])("%i → %s", (ms, text) => expect(formatElapsed(ms)).toBe(text));
});
