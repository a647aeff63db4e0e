import type Dockerode from "dockerode";
import { SUT } from "../testing/compose-test.js";
import type { ComposePlan } from "../testing/plan-compose-test.js";
import { composeContainerOptions } from "./compose-container-options.js";
import { copyLastLines } from "./copy-last-lines.js";
import { createContainer } from "./create-container.js";
import { DockerError, dockerFailure } from "./docker-error.js";
import { EngineCalls } from "./engine-calls.js";
import { labelsOf, nameOf, type RunOwner } from "./labels.js";
import type { TestLockdown, TestResources } from "./lockdown.js";
import { removeContainer, removeNetwork, removeVolume } from "./remove-container.js";
import { runToExit, type TestResult } from "./run-to-exit.js";
import { dependencyStarter } from "./start-dependencies.js";

export interface ComposeRunSpec {
  owner: RunOwner;
  /** Which of the run's files this is (0, 1...): keeps their Docker names apart. */
  index: number;
  plan: ComposePlan;
  /** The image ID each service runs. */
  imageIds: ReadonlyMap<string, string>;
  /** The Autotest variables, in every container. */
  env: Record<string, string>;
  /** test.network: "none", or a network every container joins too. */
  network: string;
  resources: TestResources;
  /** test.runtime, readOnly, tmpfs and user, for every container of the file. */
  lockdown: TestLockdown;
  /** What is left of test.timeout, for the dependencies and `sut` together. */
  timeoutMs: number;
  onOutput: (stream: string, data: Buffer) => void;
  /** Told when `sut` starts, its dependencies ready. */
  onSutStart?: () => void;
}

/**
 * Runs one planned Compose test: a network of its own with no way out, its volumes, a
 * locked-down container per service, started dependencies first as their conditions say,
 * then `sut`, whose result it answers. When the test does not pass, each other service's
 * last lines are kept. Everything it made is removed on every path, before it returns.
 */
export class ComposeTestRunner {
  constructor(
    private readonly docker: Dockerode,
    private readonly calls: EngineCalls,
  ) {}

  async run(spec: ComposeRunSpec, signal: AbortSignal): Promise<TestResult> {
    const { owner, plan, index } = spec;
    const { docker, calls } = this;
    const failed = new AbortController();
    const begun = Date.now();
    const deadline = AbortSignal.timeout(spec.timeoutMs);
    const until = AbortSignal.any([signal, failed.signal, deadline]);
    const containers = new Map<string, Dockerode.Container>();
    const volumes: Dockerode.Volume[] = [];
    let network: Dockerode.Network | undefined;
    let passed = false;
    try {
      // What is created is not cut short by a cancel (checked between calls), so that all
      // of it is known and removed; each call has docker.callTimeout.
      const networkName = nameOf(owner, `c${index}-net`);
      const networkOptions: Dockerode.NetworkCreateOptions = {
        Name: networkName,
        Driver: "bridge",
        // Internal: no route out, and no address on the host's side of the bridge.
        Internal: true,
        Options: { "com.docker.network.bridge.inhibit_ipv4": "true" },
        CheckDuplicate: true,
        Labels: labelsOf(owner, "network"),
      };
      network = await calls.run("create compose network", (abortSignal) =>
        docker.createNetwork({ ...networkOptions, abortSignal }),
      );
      const volumeNames = new Map<string, string>();
      for (const [i, key] of plan.volumes.entries()) {
        signal.throwIfAborted();
        const name = nameOf(owner, `c${index}-vol${i}`);
        await calls.run(`create volume ${key}`, (abortSignal) =>
          docker.createVolume({ Name: name, Labels: labelsOf(owner, "volume"), abortSignal }),
        );
        volumes.push(docker.getVolume(name));
        volumeNames.set(key, name);
      }
      for (const service of plan.services) {
        signal.throwIfAborted();
        const options = composeContainerOptions({
          owner,
          name: nameOf(owner, `c${index}-${service.name}`),
          service,
          imageId: spec.imageIds.get(service.name) ?? "",
          env: spec.env,
          network: networkName,
          volumes: volumeNames,
          resources: spec.resources,
          lockdown: spec.lockdown,
        });
        const container = await createContainer(docker, calls, `service ${service.name}`, options);
        containers.set(service.name, container);
        if (spec.network !== "none") {
          const extra = docker.getNetwork(spec.network);
          await calls.run(`connect service ${service.name}`, (abortSignal) => {
            // dockerode reads abortSignal here too; its type definitions omit it.
            const connect: Dockerode.NetworkConnectOptions = { Container: container.id };
            return extra.connect(Object.assign(connect, { abortSignal }));
          });
        }
      }
      const ready = dependencyStarter({
        plan,
        containers,
        calls,
        timeoutMs: spec.timeoutMs,
        until,
        deadline,
      });
      const sut = plan.services.at(-1);
      const container = containers.get(SUT);
      if (!sut || !container) throw new DockerError("docker_failed", `${plan.file}: no sut`);
      await Promise.all(sut.dependsOn.map(ready));
      spec.onSutStart?.();
      const left = Math.max(1, spec.timeoutMs - (Date.now() - begun));
      const result = await runToExit(
        container,
        { timeoutMs: left, onOutput: spec.onOutput },
        calls,
        signal,
      );
      passed = result.exitCode === 0 && !result.timedOut;
      return result;
    } catch (error) {
      failed.abort();
      if (signal.aborted) throw signal.reason;
      throw dockerFailure(`${plan.file}: starting the test`, error, calls.host);
    } finally {
      if (!passed && !signal.aborted) {
        for (const [name, container] of containers) {
          if (name !== SUT) {
            await copyLastLines(container, `service ${name}`, calls, spec.onOutput);
          }
        }
      }
      // A service given a stop_grace_period gets it after a test that ran its course.
      if (!signal.aborted) {
        const graceful = plan.services.flatMap(({ name, stopGracePeriodMs: ms }) => {
          const container = containers.get(name);
          return container && ms !== undefined ? [{ container, t: Math.ceil(ms / 1000) }] : [];
        });
        // Each stop may take its grace period, and one docker.callTimeout more.
        await Promise.all(
          graceful.map(({ container, t }) =>
            new EngineCalls(calls.host, calls.timeoutMs + t * 1000)
              .run(`stop ${container.id.slice(0, 12)}`, (abortSignal) =>
                container.stop({ t, abortSignal }),
              )
              .catch(() => undefined),
          ),
        );
      }
      await Promise.all(
        [...containers.values()].map((c) => removeContainer(c, calls).catch(() => undefined)),
      );
      if (network) await removeNetwork(network, calls).catch(() => undefined);
      await Promise.all(volumes.map((v) => removeVolume(v, calls).catch(() => undefined)));
    }
  }
}
