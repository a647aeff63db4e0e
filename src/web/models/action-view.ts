import type { ActionRecord, ActionState } from "../../store/run-store.js";
import { describeDuration } from "./describe-duration.js";
import { describeTime, type TimeView } from "./describe-time.js";

export interface ActionView {
  id: string;
  kind: string;
  target: string;
  state: { word: ActionState; tone: "waiting" | "active" | "ok" | "bad" | "error" };
  attempts: number;
  calls: { at: TimeView; took: string; status: number | null; error: string | null }[];
  error: string | null;
  /** What came back that points somewhere: a Jenkins build, its queue item. */
  links: { label: string; href: string }[];
  /** Everything else that came back, as text. */
  details: { key: string; value: string }[];
}

const TONES: Record<ActionState, ActionView["state"]["tone"]> = {
  pending: "waiting",
  sent: "active",
  done: "ok",
  failed: "bad",
  refused: "error",
  skipped: "waiting",
};

const LINK_LABELS = new Map<string, string>(
  Object.entries({
    buildUrl: "Jenkins build",
    queueUrl: "Jenkins queue item",
  }),
);

/**
 * An outcome action on a run's page: its state, each call made, and what came back. A value
 * is a link only when it is an http(s) URL under a key ending in "Url": whatever a receiver
 * answered is never turned into a link of another scheme.
 */
export function actionView(action: ActionRecord, now: Date): ActionView {
  const links: ActionView["links"] = [];
  const details: ActionView["details"] = [];
  for (const [key, value] of Object.entries(action.result)) {
    if (key.endsWith("Url") && typeof value === "string" && isWebUrl(value)) {
      links.push({ label: LINK_LABELS.get(key) ?? key, href: value });
    } else {
      details.push({ key, value: typeof value === "string" ? value : JSON.stringify(value) });
    }
  }
  return {
    id: action.id,
    kind: action.kind,
    target: action.target,
    state: { word: action.state, tone: TONES[action.state] },
    attempts: action.attemptCount,
    calls: action.attempts.map((call) => ({
      at: describeTime(new Date(call.at), now),
      took: describeDuration(call.ms),
      status: call.status ?? null,
      error: call.error ?? null,
    })),
    error: action.error ?? null,
    links,
    details,
  };
}

function isWebUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}
