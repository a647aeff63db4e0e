import type { PipelineConfig, RegistryConfig } from "../config/config.js";
import { DockerError } from "../docker/docker-error.js";
import type { ComposeTestRunner } from "../docker/compose-test-runner.js";
import type { ImageClient } from "../docker/image-client.js";
import type { ImageFiles } from "../docker/image-files.js";
import type { RunOwner } from "../docker/labels.js";
import type { RunServices } from "../docker/run-services.js";
import type { TestContainer } from "../docker/test-container.js";
import type { StatusReporter } from "../actions/report-statuses.js";
import type { Logger } from "../observability/logger.js";
import type { RunRecord, RunStore } from "../store/run-store.js";
import { OutputCapture } from "./capture-output.js";
import { finishRun, performRunActions, type FinishDeps } from "./finish-run.js";
import type { LiveOutput } from "./live-output.js";
import { createMoveRun, type RunObserver } from "./move-run.js";
import type { PerformActions } from "./outcome.js";
import { pullRunImages } from "./pull-run-images.js";
import { RunAbort, abortKindOf, shutdownOnly } from "./run-abort.js";
import { runSourceOf } from "./run-source.js";
import type { RunState } from "./run-states.js";
import { StepClock } from "./step-clock.js";
import { testImage } from "./test-image.js";
import { erroredBy, type Tested } from "./verdict-of.js";

export interface ExecuteRunDeps {
  store: RunStore;
  images: Pick<ImageClient, "pull" | "facts">;
  tests: Pick<TestContainer, "run">;
  /** Reads Compose test files out of images. */
  imageFiles: Pick<ImageFiles, "read">;
  /** Runs Compose test files. */
  composer: Pick<ComposeTestRunner, "run">;
  services: (owner: RunOwner) => Pick<RunServices, "start" | "remove" | "networkName">;
  pipelines: readonly PipelineConfig[];
  registries: readonly RegistryConfig[];
  pullTimeoutMs: number;
  /** Executions a run gets (docker.maxAttempts); past them it ends errored. */
  maxAttempts: number;
  instanceId: string;
  logger: Logger;
  /** The pipeline's actions; without them a tested run goes straight to its verdict. */
  performActions?: PerformActions;
  /** Commit statuses: pending when a test starts, the end of runs cancelled or superseded. */
  statuses?: StatusReporter;
  output?: { headBytes: number; tailBytes: number };
  /** Shares the output of runs being tested with their followers. */
  live?: LiveOutput;
  /** Told of every state change. */
  observe?: RunObserver;
}

/**
 * Executes one run just claimed (store.claimRuns: pulling, its attempt counted, nothing of an
 * earlier attempt left), or resumes the actions of one found `acting` with nobody holding it.
 * `testOver` is called once the run is `acting`: its test is over and only its actions
 * remain, which need no test slot.
 */
export interface RunExecutor {
  execute: (run: RunRecord, signal: AbortSignal, testOver?: () => void) => Promise<void>;
  resume: (run: RunRecord, signal: AbortSignal) => Promise<void>;
  /** Sends the commit statuses a finished run left unsent (found so at start-up). */
  settle: (run: RunRecord, signal: AbortSignal) => Promise<void>;
}

/**
 * pull → services → test → verdict, each state change stored as it happens. Whatever goes
 * wrong ends the run `errored` with a one-line reason; an abort requeues the run (shutdown),
 * cancels it or supersedes it. A run interrupted by restarts `maxAttempts` times ends
 * errored instead of starting again. Containers and networks are removed on every path.
 */
export function createRunExecutor(deps: ExecuteRunDeps): RunExecutor {
  const contextOf = (
    run: RunRecord,
    testOver?: () => void,
    containersGone?: () => Promise<void>,
  ) => {
    const log = deps.logger.child({
      runId: run.id,
      pipeline: run.pipeline,
      repository: run.event.repository,
      tag: run.event.tag,
    });
    // Only this attempt moves: a run another process took over is left to it.
    const move = createMoveRun(deps.store, run, log, deps.observe, run.attempt);
    const pipeline = deps.pipelines.find((p) => p.name === run.pipeline);
    const finish: FinishDeps = {
      store: deps.store,
      pipeline,
      move,
      log,
      ...(deps.performActions ? { performActions: deps.performActions } : {}),
      testOver,
      ...(containersGone ? { containersGone } : {}),
    };
    return { log, move, pipeline, finish };
  };

  const execute = async (
    run: RunRecord,
    signal: AbortSignal,
    testOver?: () => void,
  ): Promise<void> => {
    // The test container is removed while the verdict is stored and acted on; the run takes
    // its final state, and this returns, only once it is gone.
    const removals: Promise<void>[] = [];
    const containersGone = async (): Promise<void> => {
      await Promise.all(removals);
    };
    const { log, move, pipeline, finish } = contextOf(run, testOver, containersGone);
    const steps = new StepClock(run.steps);
    const { attempt } = run;
    if (attempt > deps.maxAttempts) {
      // The claim counted one more than were allowed: it is given back, and the run ends.
      const before = attempt - 1;
      const reason = `pushgate restarted ${before} times during this run (docker.maxAttempts: ${deps.maxAttempts})`;
      const ended = { runId: run.id, from: "pulling" as const, verdict: "errored" as const };
      await finishRun({ ...ended, reason, attempt: before, steps }, finish, shutdownOnly(signal));
      return;
    }
    let state: RunState = "pulling";
    const owner: RunOwner = { runId: run.id, instanceId: deps.instanceId, attempt };
    const capture = new OutputCapture(deps.output?.headBytes, deps.output?.tailBytes);
    const output = deps.live ? deps.live.capture(run.id, capture) : capture;
    const services = deps.services(owner);
    let tested: Tested | undefined;
    // The pending commit status goes out while the test runs; once the test is over it is
    // moot (the verdict's replaces it), so it is cut short then.
    const pendingOver = new AbortController();
    let pendingSent: Promise<void> = Promise.resolve();
    try {
      if (!pipeline) {
        throw new DockerError("docker_failed", `pipeline ${run.pipeline} is no longer configured`);
      }
      const pulls = {
        images: deps.images,
        registries: deps.registries,
        timeoutMs: deps.pullTimeoutMs,
      };
      const pulled = await pullRunImages(run.event, pipeline, { ...pulls, signal });
      // The pull's own inspect read them; a second one is asked only of a client without.
      const facts = pulled.image.facts ?? (await deps.images.facts(pulled.image.id, signal));
      steps.finish("pull");
      const digest = pulled.image.digest ? { imageDigest: pulled.image.digest } : {};
      const known = runSourceOf(facts.source, pipeline, run.event, pulled.image.digest);
      const source = known ? { source: known } : {};
      const testing = { steps: steps.snapshot(), ...digest, ...source };
      if (!(await move(["pulling"], "testing", testing))) return;
      state = "testing";
      if (deps.statuses) {
        const started = { ...run, state, ...digest, ...source };
        const reporting = AbortSignal.any([signal, pendingOver.signal]);
        pendingSent = deps.statuses.pending(started, reporting).catch((error: unknown) => {
          if (!reporting.aborted) log.error("pending status failed", { error: String(error) });
        });
      }
      const { tests, imageFiles, composer } = deps;
      tested = await testImage(
        {
          run,
          pipeline,
          pulled,
          facts,
          owner,
          tests,
          services,
          imageFiles,
          composer,
          pulls,
          output,
          steps,
          removeLater: (removal) => removals.push(removal),
        },
        signal,
      );
    } catch (error) {
      if (!signal.aborted) tested = erroredBy(error, log);
    } finally {
      // The pending status has until the test container is gone, as long as it ever had.
      await Promise.race([pendingSent, containersGone()]);
      pendingOver.abort(new Error("the test is over"));
      await pendingSent;
      await services.remove();
      const captured = capture.result();
      try {
        if (captured.totalBytes > 0) await deps.store.saveOutput(run.id, captured);
      } finally {
        // Even when the output could not be stored: followers then read what the store has.
        deps.live?.release(run.id);
      }
    }
    if (!tested) {
      // A lost lease: the containers are gone (above) and the run is another's now.
      if (abortKindOf(signal) === "lost") return;
      steps.finishAll();
      const [to, reason] = interrupted(signal, state);
      // A graceful stop is not the run's doing: it gives the attempt back, so rolling restarts
      // never use up docker.maxAttempts. Only crashes and lost replicas count.
      const giveBack = to === "queued" ? { attempt: attempt - 1 } : {};
      const ended = await move([state], to, { reason, steps: steps.snapshot(), ...giveBack });
      if (ended && to !== "queued") await settle(run.id, shutdownOnly(signal));
      return;
    }
    try {
      const finished = { runId: run.id, from: state, steps, ...tested };
      await finishRun(finished, finish, shutdownOnly(signal));
    } finally {
      await containersGone();
    }
  };

  /** The final commit statuses of a run that ended without actions: cancelled, superseded. */
  const settle = async (runId: string, signal: AbortSignal): Promise<void> => {
    const ended = deps.statuses && (await deps.store.getRun(runId));
    if (ended) await deps.statuses?.settle(ended, signal);
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
    await performRunActions(stored, contextOf(run).finish, shutdownOnly(signal));
  };

  return {
    execute,
    resume,
    settle: (run, signal) => settle(run.id, signal),
  };
}

/** Where an aborted run goes, and why. */
function interrupted(signal: AbortSignal, state: RunState): [RunState, string] {
  switch (abortKindOf(signal)) {
    case "cancel":
      return ["cancelled", "cancelled"];
    case "supersede": {
      const by = signal.reason instanceof RunAbort ? signal.reason.by : undefined;
      return ["superseded", `superseded by ${by ?? "a newer run"}`];
    }
    case "shutdown":
    case "lost":
      return ["queued", `requeued: pushgate stopped while ${state}`];
  }
}
