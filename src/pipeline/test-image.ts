import type { PipelineConfig } from "../config/config.js";
import type { ComposeTestRunner } from "../docker/compose-test-runner.js";
import type { ImageFacts } from "../docker/image-client.js";
import type { ImageFiles } from "../docker/image-files.js";
import type { RunOwner } from "../docker/labels.js";
import type { RunServices } from "../docker/run-services.js";
import type { TestContainer } from "../docker/test-container.js";
import type { RunRecord } from "../store/run-store.js";
import { chooseTest } from "./choose-test.js";
import type { OutputSink } from "./live-output.js";
import type { PullOptions, PulledImages } from "./pull-run-images.js";
import { runComposeTests } from "./run-compose-tests.js";
import type { StepClock } from "./step-clock.js";
import { testEnv } from "./test-env.js";
import { verdictOf, type Tested } from "./verdict-of.js";

export interface TestImageInput {
  run: RunRecord;
  pipeline: PipelineConfig;
  pulled: PulledImages;
  /** What the pulled image says of itself: labels, command, source. */
  facts: ImageFacts;
  owner: RunOwner;
  tests: Pick<TestContainer, "run">;
  /** The run's services; the caller removes them. */
  services: Pick<RunServices, "start" | "networkName">;
  /** Compose test files: read from the image, and run. */
  imageFiles: Pick<ImageFiles, "read">;
  composer: Pick<ComposeTestRunner, "run">;
  /** How a Compose file's other images are pulled. */
  pulls: Omit<PullOptions, "signal">;
  output: OutputSink;
  steps: StepClock;
  /** Given the removal of a test container whose test ended; the caller waits for it. */
  removeLater?: (removal: Promise<void>) => void;
}

/**
 * Tests the exact image pulled, as chooseTest says: Compose test files (Autotest's `sut`),
 * or one command in a test container after the pipeline's services start. Judges the result.
 */
export async function testImage(input: TestImageInput, signal: AbortSignal): Promise<Tested> {
  const { run, pipeline, pulled, services, output, steps } = input;
  const { test } = pipeline;
  const choice = chooseTest(test, input.facts);
  if (choice.kind === "compose") return runComposeTests({ ...input, files: choice.files }, signal);
  if (test.services.length > 0) {
    steps.start("services");
    await services.start(
      test.services.map((config, i) => ({ config, imageId: pulled.services[i]?.id ?? "" })),
      test.resources,
      test,
      (stream, data) => output.write(stream, data),
      signal,
    );
    steps.finish("services");
  }
  steps.start("test");
  const result = await input.tests.run(
    {
      owner: input.owner,
      imageId: pulled.image.id,
      ...(choice.command ? { command: choice.command } : {}),
      env: testEnv(run, test.env, input.facts.source.revision),
      network: test.network,
      ...(services.networkName ? { servicesNetwork: services.networkName } : {}),
      resources: test.resources,
      lockdown: test,
      timeoutMs: test.timeoutMs,
      onOutput: (stream, data) => output.write(stream, data),
      timer: steps,
      ...(input.removeLater ? { removeLater: input.removeLater } : {}),
    },
    signal,
  );
  steps.finish("test");
  return verdictOf(result, pipeline);
}
