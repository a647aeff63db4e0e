import { ComposeError, SUT, type ComposeService, type ComposeTest } from "./compose-test.js";

/** What a Compose test starts: `sut` and what it needs, dependencies first. */
export interface ComposePlan {
  file: string;
  /** In start order: every service after those it depends on; `sut` last. */
  services: ComposeService[];
  /** The volumes these services mount, to create for the run. */
  volumes: string[];
}

/**
 * Autotest's rule: only `sut` and the services it needs through `depends_on` (transitively)
 * start. A file without `sut` cannot be judged.
 */
export function planComposeTest(test: ComposeTest): ComposePlan {
  const byName = new Map(test.services.map((service) => [service.name, service]));
  const sut = byName.get(SUT);
  if (!sut) {
    throw new ComposeError(test.file, [
      `no sut service: the test runs the service named sut and judges its exit code`,
    ]);
  }
  const ordered: ComposeService[] = [];
  const seen = new Set<string>();
  const visit = (service: ComposeService): void => {
    if (seen.has(service.name)) return;
    seen.add(service.name);
    for (const dependency of service.dependsOn) {
      const next = byName.get(dependency.service);
      if (next) visit(next);
    }
    ordered.push(service);
  };
  visit(sut);
  const mounted = new Set(
    ordered.flatMap((s) => s.mounts.flatMap((m) => (m.type === "volume" ? [m.volume] : []))),
  );
  return {
    file: test.file,
    services: ordered,
    volumes: test.volumes.filter((volume) => mounted.has(volume)),
  };
}
