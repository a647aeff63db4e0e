import { imageNameOf } from "../pipeline/image-name.js";
import type { RunOutcome } from "../pipeline/outcome.js";
import { formatElapsed } from "./format-elapsed.js";

const HEADLINE = { passed: "passed", failed: "failed", errored: "could not be tested" };
/** The embed's side bar: green, red, amber. */
const COLOR = { passed: 0x2eb67d, failed: 0xe01e5a, errored: 0xecb22e };

/** Cut to Discord's limit for the field (title 256, description 4096, field value 1024). */
const cut = (text: string, limit: number): string =>
  text.length > limit ? `${text.slice(0, limit - 1)}…` : text;

/**
 * A Discord "Execute Webhook" body: one embed with the image, result, reason, duration,
 * pipeline and run, titled with a link to the run when pushgate's public URL is known.
 * Mentions are never parsed, so a reason holding "@everyone" pings nobody.
 */
export function discordMessageOf(outcome: RunOutcome, link: string | undefined): object {
  const { run } = outcome;
  const image = `${imageNameOf(run.event)}:${run.event.tag}`;
  return {
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: cut(`${image} ${HEADLINE[outcome.verdict]}`, 256),
        ...(link ? { url: link } : {}),
        color: COLOR[outcome.verdict],
        ...(outcome.reason ? { description: cut(outcome.reason, 4096) } : {}),
        fields: [
          { name: "Image", value: cut(image, 1024), inline: false },
          { name: "Result", value: outcome.verdict, inline: true },
          { name: "Duration", value: formatElapsed(outcome.durationMs), inline: true },
          { name: "Pipeline", value: run.pipeline, inline: true },
          { name: "Run", value: run.id, inline: true },
        ],
      },
    ],
  };
}
