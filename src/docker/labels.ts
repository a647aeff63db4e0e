/** Labels on everything pushgate creates in Docker, so it can be found and reaped. */
export const RUN_LABEL = "pushgate.run";
export const INSTANCE_LABEL = "pushgate.instance";
export const ROLE_LABEL = "pushgate.role";
/** An image's own test command: a JSON argv array, used when test.command is omitted. */
export const TEST_COMMAND_LABEL = "pushgate.test.command";

/** Who a container or network belongs to: one attempt of one run of one pushgate. */
export interface RunOwner {
  runId: string;
  instanceId: string;
  attempt: number;
}

export function labelsOf(owner: RunOwner, role: string): Record<string, string> {
  return { [RUN_LABEL]: owner.runId, [INSTANCE_LABEL]: owner.instanceId, [ROLE_LABEL]: role };
}

/** A Docker object name for this run's attempt: "pushgate-01hx...-2-test". */
export function nameOf(owner: RunOwner, suffix: string): string {
  return `pushgate-${owner.runId.toLowerCase()}-${owner.attempt}-${suffix}`;
}
