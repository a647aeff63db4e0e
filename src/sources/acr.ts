import { distributionEventShape, readDistributionEvent } from "./distribution-event.js";
import type { ParseSource } from "./source.js";
import { validatePayload } from "./validate-payload.js";

/**
 * Azure Container Registry's webhook: one event per request, in the distribution registry's
 * event format. `push` of a tagged image starts runs; `chart_push`, `delete`,
 * `chart_delete`, `quarantine` and the portal's `ping` are acknowledged and ignored.
 */
export const parseAcr: ParseSource = ({ body }) => {
  const event = validatePayload(distributionEventShape.required(), body);
  const outcome = readDistributionEvent(event, "acr", []);
  return "event" in outcome
    ? { events: [outcome.event], ignored: [] }
    : { events: [], ignored: [outcome.ignored] };
};
