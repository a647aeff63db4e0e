import type { PipelineConfig } from "../config/config.js";
import type { ImageClient } from "../docker/image-client.js";
import type { RunOwner } from "../docker/labels.js";
import type { RunServices } from "../docker/run-services.js";
import type { TestContainer } from "../docker/test-container.js";
import type { RunRecord } from "../store/run-store.js";
import { chooseTestCommand } from "./choose-test-command.js";
import type { OutputSink } from "./live-output.js";
import type { PulledImages } from "./pull-run-images.js";
import type { StepClock } from "./step-clock.js";
import { testEnv } from "./test-env.js";
import { verdictOf, type Tested } from "./verdict-of.js";

export interface TestImageInput {
  run: RunRecord;
  pipeline: PipelineConfig;
  pulled: PulledImages;
  owner: RunOwner;
  images: Pick<ImageClient, "facts">;
  tests: Pick<TestContainer, "run">;
  /** The run's services; the caller removes them. */
  services: Pick<RunServices, "start" | "networkName">;
  output: OutputSink;
  steps: StepClock;
}

/** Starts the services, runs the test container on the exact image pulled, and judges it. */
export async function testImage(input: TestImageInput, signal: AbortSignal): Promise<Tested> {
  const { run, pipeline, pulled, services, output, steps } = input;
  const { test } = pipeline;
  const command = chooseTestCommand(
    test.command,
    await input.images.facts(pulled.image.id, signal),
  );
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
      ...(command ? { command } : {}),
      env: testEnv(run, test.env),
      network: test.network,
      ...(services.networkName ? { servicesNetwork: services.networkName } : {}),
      resources: test.resources,
      lockdown: test,
      timeoutMs: test.timeoutMs,
      onOutput: (stream, data) => output.write(stream, data),
    },
    signal,
  );
  steps.finish("test");
  return verdictOf(result, pipeline);
}
