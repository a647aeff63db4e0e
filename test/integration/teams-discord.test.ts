import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startActionHarness, type ActionHarness } from "../support/action-harness.js";
import { startDiscordStandin, type DiscordStandin } from "../support/discord-standin.js";
import { startTeamsStandin, type TeamsStandin } from "../support/teams-standin.js";

/**
 * Teams (a Workflows webhook taking an Adaptive Card) and Discord (an embed, rate limited)
 * through the actions' own machinery: real HTTP to the stand-ins, a real SQLite store.
 */

let teams: TeamsStandin;
let discord: DiscordStandin;
let harness: ActionHarness;

beforeAll(async () => {
  [teams, discord] = await Promise.all([
    startTeamsStandin(),
    startDiscordStandin({ limit: 1, windowMs: 1000 }),
  ]);
  const badSignature = teams.webhookUrl.replace(/sig=[^&]+/, "sig=NotTheSignature0000000000");
  harness = startActionHarness(`
actions: { timeout: 2s, attempts: 4, backoff: 50ms, maxBackoff: 5s }
publicUrl: https://pushgate.example
pipelines:
  - name: web
    match: { repository: acme/web }
    on:
      success:
        - teams: { url: "${teams.webhookUrl}" }
        - discord: { url: "${discord.webhookUrl}" }
      failure:
        - teams: { url: "${teams.webhookUrl}" }
        - discord: { url: "${discord.webhookUrl}" }
  - name: wrong
    match: { repository: acme/wrong }
    on:
      success:
        - teams: { url: "${badSignature}" }
        - discord: { url: "${discord.webhookUrl.replace(/\/[^/]+$/, "/wrong-token-0123456789")}" }
`);
});
afterAll(async () => {
  await harness.close();
  await Promise.all([teams.close(), discord.close()]);
});

const factsOf = (card: Record<string, unknown>) => {
  const body = card.body as { type: string; facts?: { title: string; value: string }[] }[];
  return Object.fromEntries(
    (body.find((item) => item.type === "FactSet")?.facts ?? []).map((f) => [f.title, f.value]),
  );
};

describe("Teams and Discord", () => {
  it("a failed run posts an Adaptive Card and an embed with image, result, reason, duration and the run's link", async () => {
    const outcome = await harness.outcome({ verdict: "failed", reason: "exit code 3" });
    const runId = outcome.run.id;
    await harness.perform(outcome, new AbortController().signal);

    const card = teams.cards.at(-1) ?? {};
    expect(card).toMatchObject({ type: "AdaptiveCard", version: "1.4" });
    expect(factsOf(card)).toMatchObject({
      Image: "acme/web:v1",
      Result: "failed",
      Reason: "exit code 3",
      Duration: "1s",
      Run: runId,
    });
    expect(card.actions).toEqual([
      {
        type: "Action.OpenUrl",
        title: "Open the run",
        url: `https://pushgate.example/runs/${runId}`,
      },
    ]);
    const [embed] = discord.messages.at(-1)?.embeds ?? [];
    expect(embed).toMatchObject({
      title: "acme/web:v1 failed",
      url: `https://pushgate.example/runs/${runId}`,
      description: "exit code 3",
      color: 0xe01e5a,
    });
    expect(embed?.fields).toEqual(
      expect.arrayContaining([
        { name: "Image", value: "acme/web:v1", inline: false },
        { name: "Duration", value: "1s", inline: true },
      ]),
    );
    const actions = await harness.store.listActions(runId);
    expect(actions.map((a) => [a.kind, a.state, a.attemptCount, a.result.status])).toEqual([
      ["teams", "done", 1, 202],
      ["discord", "done", 1, 204],
    ]);
  });

  it("Discord's 429 is waited out for as long as its retry_after says, then the message is sent", async () => {
    // The bucket takes one message a second: the first run's message opens a window...
    const first = await harness.outcome({ verdict: "passed" });
    await harness.perform(first, new AbortController().signal);
    const opened = discord.messages.at(-1)?.at ?? 0;
    // ...and the second run's, sent at once, is refused until that window ends.
    const second = await harness.outcome({ verdict: "passed" });
    const before = discord.requests.length;
    await harness.perform(second, new AbortController().signal);

    const action = (await harness.store.listActions(second.run.id)).find(
      (a) => a.kind === "discord",
    );
    expect(action?.state).toBe("done");
    expect(action?.attempts.map((a) => a.status)).toEqual([429, 204]);
    // The backoff alone (50 ms) would have come back long before and been refused again.
    const retried = discord.requests.slice(before)[1]?.at ?? 0;
    expect(retried).toBeGreaterThanOrEqual(opened + 1000 - 10);
  });

  it("a wrong signature or token is recorded with the service's own words, tried once, and the URL never shown", async () => {
    const outcome = await harness.outcome({
      verdict: "passed",
      pipeline: "wrong",
      event: { repository: "acme/wrong" },
    });
    await harness.perform(outcome, new AbortController().signal);
    const actions = await harness.store.listActions(outcome.run.id);
    expect(actions.map((a) => [a.kind, a.state, a.attemptCount, a.error])).toEqual([
      [
        "teams",
        "failed",
        1,
        "HTTP 401: DirectApiInvalidAuthorizationSignature: The provided authorization signature is not valid.",
      ],
      ["discord", "failed", 1, "HTTP 401: Invalid Webhook Token"],
    ]);
    expect(actions.map((a) => a.target)).toEqual([teams.url, discord.url]);
    const logs = harness.logLines.join("\n");
    expect(logs).not.toContain("NotTheSignature0000000000");
    expect(logs).not.toContain("wrong-token-0123456789");
  });
});
