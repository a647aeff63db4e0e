/** Labels on everything pushgate creates in Docker, so it can be found and reaped. */
export const RUN_LABEL = "pushgate.run";
export const INSTANCE_LABEL = "pushgate.instance";
export const ROLE_LABEL = "pushgate.role";
/** An image's own test command: a JSON argv array, used when test.command is omitted. */
export const TEST_COMMAND_LABEL = "pushgate.test.command";
/** An image's own Compose test files: paths inside the image, comma-separated. */
export const TEST_COMPOSE_LABEL = "pushgate.test.compose";
/** Where an image was built from: OCI labels first, then label-schema's. */
export const REVISION_LABELS = ["org.opencontainers.image.revision", "org.label-schema.vcs-ref"];
export const SOURCE_URL_LABELS = ["org.opencontainers.image.source", "org.label-schema.vcs-url"];

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
