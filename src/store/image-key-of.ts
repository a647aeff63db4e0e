/** The image a run tests, as both engines store it in runs.image: "registry/repository:tag". */
export function imageKeyOf(event: { registry: string; repository: string; tag: string }): string {
  return `${event.registry}/${event.repository}:${event.tag}`;
}
