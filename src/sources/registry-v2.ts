import Joi from "joi";
import {
  distributionEventShape,
  readDistributionEvent,
  type DistributionEventShape,
} from "./distribution-event.js";
import { boundedArray } from "./joi-payload-rules.js";
import type { PushEvent } from "./push-event.js";
import type { ParseSource } from "./source.js";
import { validatePayload } from "./validate-payload.js";

interface Envelope {
  events?: DistributionEventShape[];
}

/**
 * The distribution registry's notification envelope, as `docker-registry` 2.x sends it
 * (`application/vnd.docker.distribution.events.v1+json`) and registry 3 (`...events.v2+json`):
 * a batch of events, of which only tagged manifest pushes become push events. Registry 3
 * marshals `events` with omitempty, so an envelope without it is an empty batch.
 */
const envelope = Joi.object<Envelope>({
  events: boundedArray(distributionEventShape),
}).required();

export const parseRegistryV2: ParseSource = ({ body }) => {
  const { events = [] } = validatePayload(envelope, body);
  const pushes: PushEvent[] = [];
  const ignored: string[] = [];
  events.forEach((event, i) => {
    const outcome = readDistributionEvent(event, "registry", ["events", i]);
    if ("event" in outcome) pushes.push(outcome.event);
    else ignored.push(outcome.ignored);
  });
  return { events: pushes, ignored };
};
