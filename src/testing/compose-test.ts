/** How a service waits for one it depends on, as Compose's long `depends_on` form says. */
export type DependencyCondition =
  "service_started" | "service_healthy" | "service_completed_successfully";

export interface ComposeDependency {
  service: string;
  condition: DependencyCondition;
}

/** A healthcheck in Docker's own terms; `test: ["NONE"]` turns off the image's. */
export interface ComposeHealthcheck {
  test: string[];
  intervalMs?: number;
  timeoutMs?: number;
  retries?: number;
  startPeriodMs?: number;
  startIntervalMs?: number;
}

/** A mount: a volume of the test's own (named, or made for one service) or a tmpfs. */
export type ComposeMount =
  | { type: "volume"; volume: string; target: string; readOnly: boolean; noCopy: boolean }
  | { type: "tmpfs"; target: string; sizeBytes?: number; mode?: number };

/** One service of a Compose test file, read, checked and interpolated. */
export interface ComposeService {
  name: string;
  /** `tested`: `build:` or `image: $IMAGE_NAME`, which run the digest that was pulled. */
  image: { tested: true } | { tested: false; reference: string };
  command?: string[];
  entrypoint?: string[];
  environment: Record<string, string>;
  dependsOn: ComposeDependency[];
  /** Undefined: the image's own HEALTHCHECK, if any. */
  healthcheck?: ComposeHealthcheck;
  workingDir?: string;
  user?: string;
  hostname?: string;
  /** Mount point → options ("size=64m"). */
  tmpfs: Record<string, string>;
  labels: Record<string, string>;
  /** "5432", "8000-8010", "53/udp". */
  expose: string[];
  init?: boolean;
  readOnly?: boolean;
  stopGracePeriodMs?: number;
  /** Further names it answers to on the test's network (container_name, links, aliases). */
  aliases: string[];
  mounts: ComposeMount[];
}

/** A Compose test file: its services, and the volumes it declares (each made for the run). */
export interface ComposeTest {
  /** The file as the user names it: "docker-compose.test.yml", "/app/test.yml (in the image)". */
  file: string;
  services: ComposeService[];
  /** Volumes to create for the run: those declared at the top level and anonymous ones. */
  volumes: string[];
}

/** A Compose file that cannot be run; each problem names the key it is about. */
export class ComposeError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(problems.map((problem) => `${file}: ${problem}`).join("; "));
    this.name = "ComposeError";
  }
}

/** The one service Autotest starts, judged by its exit code. */
export const SUT = "sut";
