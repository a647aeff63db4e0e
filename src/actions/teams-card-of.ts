import { imageNameOf } from "../pipeline/image-name.js";
import type { RunOutcome } from "../pipeline/outcome.js";
import { formatElapsed } from "./format-elapsed.js";

const HEADLINE = { passed: "passed", failed: "failed", errored: "could not be tested" };
/** Adaptive Card text colours: green, red, amber. */
const COLOR = { passed: "Good", failed: "Attention", errored: "Warning" };

/**
 * A Teams message for a Workflows webhook ("When a Teams webhook request is received"): one
 * Adaptive Card (version 1.4, which Teams renders everywhere) with the image, result,
 * reason, duration and pipeline as facts, and a button to the run when pushgate's public URL
 * is known. Workflows take Adaptive Cards only, not the connectors' MessageCard.
 */
export function teamsCardOf(outcome: RunOutcome, link: string | undefined): object {
  const { run } = outcome;
  const image = `${imageNameOf(run.event)}:${run.event.tag}`;
  const facts = [
    { title: "Image", value: image },
    { title: "Result", value: outcome.verdict },
    ...(outcome.reason ? [{ title: "Reason", value: outcome.reason }] : []),
    { title: "Duration", value: formatElapsed(outcome.durationMs) },
    { title: "Pipeline", value: run.pipeline },
    { title: "Run", value: run.id },
  ];
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body: [
            {
              type: "TextBlock",
              size: "Medium",
              weight: "Bolder",
              color: COLOR[outcome.verdict],
              wrap: true,
              text: `${image} ${HEADLINE[outcome.verdict]}`,
            },
            { type: "FactSet", facts },
          ],
          ...(link
            ? { actions: [{ type: "Action.OpenUrl", title: "Open the run", url: link }] }
            : {}),
        },
      },
    ],
  };
}
