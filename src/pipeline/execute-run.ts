import type { PipelineConfig, RegistryConfig } from "../config/config.js";
import { DockerError } from "../docker/docker-error.js";
import type { ImageClient } from "../docker/image-client.js";
import type { RunOwner } from "../docker/labels.js";
import type { RunServices } from "../docker/run-services.js";
import type { TestContainer } from "../docker/test-container.js";
import type { Logger } from "../observability/logger.js";
import type { RunRecord, RunStore } from "../store/run-store.js";
import { OutputCapture } from "./capture-output.js";
import { finishRun, performRunActions, type FinishDeps } from "./finish-run.js";
import { createMoveRun } from "./move-run.js";
import type { PerformActions } from "./outcome.js";
import { pullRunImages } from "./pull-run-images.js";
import { abortKindOf } from "./run-abort.js";
import type { RunState } from "./run-states.js";
import { StepClock } from "./step-clock.js";
import { testImage } from "./test-image.js";
import { erroredBy, type Tested } from "./verdict-of.js";

export interface ExecuteRunDeps {
  store: RunStore;
  images: ImageClient;
  tests: TestContainer;
  services: (owner: RunOwner) => RunServices;
  pipelines: readonly PipelineConfig[];
  registries: readonly RegistryConfig[];
  pullTimeoutMs: number;
  instanceId: string;
  logger: Logger;
  /** The pipeline's actions; without them a tested run goes straight to its verdict. */
  performActions?: PerformActions;
  output?: { headBytes: number; tailBytes: number };
}

/** Executes one queued run, or resumes the actions of one found `acting` at start-up. */
export interface RunExecutor {
  execute: (run: RunRecord, signal: AbortSignal) => Promise<void>;
  resume: (run: RunRecord, signal: AbortSignal) => Promise<void>;
}

/**
 * pull → services → test → verdict, each state change stored as it happens. Whatever goes
 * wrong ends the run `errored` with a one-line reason; an abort requeues the run (shutdown)
 * or cancels it. Containers and networks are removed on every path.
 */
export function createRunExecutor(deps: ExecuteRunDeps): RunExecutor {
  const contextOf = (run: RunRecord) => {
    const log = deps.logger.child({
      runId: run.id,
      pipeline: run.pipeline,
      repository: run.event.repository,
      tag: run.event.tag,
    });
    const move = createMoveRun(deps.store, run.id, log);
    const pipeline = deps.pipelines.find((p) => p.name === run.pipeline);
    const finish: FinishDeps = {
      store: deps.store,
      pipeline,
      move,
      log,
      ...(deps.performActions ? { performActions: deps.performActions } : {}),
    };
    return { log, move, pipeline, finish };
  };

  const execute = async (run: RunRecord, signal: AbortSignal): Promise<void> => {
    const { log, move, pipeline, finish } = contextOf(run);
    const steps = new StepClock();
    const attempt = run.attempt + 1;
    steps.start("pull");
    const claim = { attempt, steps: steps.snapshot(), reason: null, exitCode: null, verdict: null };
    if (!move(["queued"], "pulling", claim)) return;
    let state: RunState = "pulling";
    const owner: RunOwner = { runId: run.id, instanceId: deps.instanceId, attempt };
    const output = new OutputCapture(deps.output?.headBytes, deps.output?.tailBytes);
    const services = deps.services(owner);
    let tested: Tested | undefined;
    try {
      if (!pipeline) {
        throw new DockerError("docker_failed", `pipeline ${run.pipeline} is no longer configured`);
      }
      const pulled = await pullRunImages(run.event, pipeline, {
        images: deps.images,
        registries: deps.registries,
        timeoutMs: deps.pullTimeoutMs,
        signal,
      });
      steps.finish("pull");
      const digest = pulled.image.digest ? { imageDigest: pulled.image.digest } : {};
      if (!move(["pulling"], "testing", { steps: steps.snapshot(), ...digest })) return;
      state = "testing";
      const { images, tests } = deps;
      const input = { run, pipeline, pulled, owner, images, tests, services, output, steps };
      tested = await testImage(input, signal);
    } catch (error) {
      if (!signal.aborted) tested = erroredBy(error, log);
    } finally {
      await services.remove();
    }
    const captured = output.result();
    if (captured.totalBytes > 0) deps.store.saveOutput(run.id, captured);
    if (!tested) {
      steps.finishAll();
      const cancelled = abortKindOf(signal) === "cancel";
      move([state], cancelled ? "cancelled" : "queued", {
        reason: cancelled ? "cancelled" : `requeued: pushgate stopped while ${state}`,
        steps: steps.snapshot(),
      });
      return;
    }
    await finishRun({ runId: run.id, from: state, steps, ...tested }, finish, signal);
  };

  const resume = async (run: RunRecord, signal: AbortSignal): Promise<void> => {
    const steps = new StepClock(run.steps);
    steps.start("actions");
    const stored = {
      runId: run.id,
      verdict: run.verdict ?? "errored",
      ...(run.reason !== undefined ? { reason: run.reason } : {}),
      steps,
    };
    await performRunActions(stored, contextOf(run).finish, signal);
  };

  return { execute, resume };
}
