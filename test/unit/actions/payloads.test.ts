import { describe, expect, it } from "vitest";
import { answerMessage, describeAnswer } from "../../../src/actions/describe-answer.js";
import { callbackPayloadOf } from "../../../src/actions/dockerhub-callback.js";
import { formatElapsed } from "../../../src/actions/format-elapsed.js";
import { discordMessageOf } from "../../../src/actions/discord-message-of.js";
import { slackMessageOf, webhookPayloadOf } from "../../../src/actions/notify.js";
import { teamsCardOf } from "../../../src/actions/teams-card-of.js";
import { DIGEST, outcomeOf } from "../../support/outcomes.js";

const LINK = "https://pushgate.example/runs/01HRUN00000000000000000000";

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

describe("teamsCardOf", () => {
  it("wraps one Adaptive Card in a message: headline, facts and a button to the run", () => {
    const message = teamsCardOf(outcomeOf({ verdict: "failed", reason: "exit code 3" }), LINK) as {
      type: string;
      attachments: { contentType: string; content: Record<string, unknown> }[];
    };
    expect(message.type).toBe("message");
    const [attachment] = message.attachments;
    expect(attachment?.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(attachment?.content).toEqual({
      $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
      type: "AdaptiveCard",
      version: "1.4",
      body: [
        {
          type: "TextBlock",
          size: "Medium",
          weight: "Bolder",
          color: "Attention",
          wrap: true,
          text: "acme/web:v1.2 failed",
        },
        {
          type: "FactSet",
          facts: [
            { title: "Image", value: "acme/web:v1.2" },
            { title: "Result", value: "failed" },
            { title: "Reason", value: "exit code 3" },
            { title: "Duration", value: "42s" },
            { title: "Pipeline", value: "web" },
            { title: "Run", value: "01HRUN00000000000000000000" },
          ],
        },
      ],
      actions: [{ type: "Action.OpenUrl", title: "Open the run", url: LINK }],
    });
  });

  it("has no button without a public URL", () => {
    const message = teamsCardOf(outcomeOf(), undefined) as {
      attachments: { content: Record<string, unknown> }[];
    };
    expect(message.attachments[0]?.content).not.toHaveProperty("actions");
  });
});

describe("discordMessageOf", () => {
  it("is one embed linking the run, mentions never parsed, cut to Discord's limits", () => {
    const reason = `@everyone ${"x".repeat(5000)}`;
    const message = discordMessageOf(outcomeOf({ verdict: "errored", reason }), LINK) as {
      allowed_mentions: unknown;
      embeds: {
        title: string;
        url: string;
        color: number;
        description: string;
        fields: unknown[];
      }[];
    };
    expect(message.allowed_mentions).toEqual({ parse: [] });
    const [embed] = message.embeds;
    expect(embed).toMatchObject({
      title: "acme/web:v1.2 could not be tested",
      url: LINK,
      color: 0xecb22e,
    });
    expect(embed?.description).toHaveLength(4096);
    expect(embed?.fields).toContainEqual({ name: "Duration", value: "42s", inline: true });
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

  it("reads the error shapes of GitHub, GitLab, Azure (Teams) and Discord", () => {
    const github =
      '{"message":"Validation Failed","errors":[{"resource":"Status","code":"custom","field":"description","message":"description is too long (maximum is 140 characters)"}],"documentation_url":"https://docs.github.com/rest"}';
    expect(describeAnswer(answer(422, github))).toBe(
      "HTTP 422: Validation Failed: description is too long (maximum is 140 characters)",
    );
    expect(describeAnswer(answer(400, '{"message":{"description":["is too long"]}}'))).toBe(
      "HTTP 400: description is too long",
    );
    expect(describeAnswer(answer(400, '{"error":"state does not have a valid value"}'))).toBe(
      "HTTP 400: state does not have a valid value",
    );
    expect(
      describeAnswer(
        answer(401, '{"error":{"code":"DirectApiAuthorizationRequired","message":"Sign it."}}'),
      ),
    ).toBe("HTTP 401: DirectApiAuthorizationRequired: Sign it.");
    expect(describeAnswer(answer(404, '{"message":"Unknown Webhook","code":10015}'))).toBe(
      "HTTP 404: Unknown Webhook",
    );
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
