import type { PipelineConfig } from "../config/config.js";
import type { ComposeTestRunner } from "../docker/compose-test-runner.js";
import { DockerError } from "../docker/docker-error.js";
import type { ImageFacts } from "../docker/image-client.js";
import type { ImageFiles } from "../docker/image-files.js";
import { parseImageReference } from "../docker/image-reference.js";
import type { RunOwner } from "../docker/labels.js";
import type { RunRecord } from "../store/run-store.js";
import { ComposeError } from "../testing/compose-test.js";
import { autotestVariables, composeVariables } from "../testing/compose-variables.js";
import type { ComposeVariables } from "../testing/interpolate-compose.js";
import { MAX_COMPOSE_BYTES } from "../testing/parse-compose-yaml.js";
import { planComposeTest, type ComposePlan } from "../testing/plan-compose-test.js";
import { readComposeFile } from "../testing/read-compose-file.js";
import type { ComposeSource } from "./choose-test.js";
import type { OutputSink } from "./live-output.js";
import { pullImage, type PullOptions, type PulledImages } from "./pull-run-images.js";
import type { StepClock } from "./step-clock.js";
import { autotestFactsOf } from "./test-env.js";
import { verdictOf, type Tested } from "./verdict-of.js";

export interface ComposeTestsInput {
  run: RunRecord;
  pipeline: PipelineConfig;
  pulled: PulledImages;
  facts: ImageFacts;
  owner: RunOwner;
  files: readonly ComposeSource[];
  imageFiles: Pick<ImageFiles, "read">;
  composer: Pick<ComposeTestRunner, "run">;
  pulls: Omit<PullOptions, "signal">;
  output: OutputSink;
  steps: StepClock;
}

/**
 * Autotest's test: every file is read and checked first (so a refused key creates nothing),
 * the images its services name are pulled, then the files run one after the other within one
 * `test.timeout`, each judged by its `sut`; the first that does not pass decides.
 */
export async function runComposeTests(
  input: ComposeTestsInput,
  signal: AbortSignal,
): Promise<Tested> {
  const { run, pipeline, pulled, owner, steps } = input;
  const { test } = pipeline;
  if (test.services.length > 0) {
    throw new DockerError(
      "bad_test_label",
      "the image carries a compose test file, which names its own services: remove test.services from the pipeline",
    );
  }
  const facts = autotestFactsOf(run, input.facts.source.revision);
  const variables = composeVariables(test.env, facts);
  steps.start("services");
  try {
    const plans: ComposePlan[] = [];
    for (const file of input.files) {
      const text =
        "text" in file
          ? file.text
          : await input.imageFiles.read(pulled.image.id, file.imagePath, owner, MAX_COMPOSE_BYTES);
      plans.push(planned(text, file.name, variables, input.output));
    }
    const imageIds = await pullServiceImages(plans, pulled.image.id, { ...input.pulls, signal });
    const deadline = Date.now() + test.timeoutMs;
    for (const [index, plan] of plans.entries()) {
      const result = await input.composer.run(
        {
          owner,
          index,
          plan,
          imageIds: imageIds[index] ?? new Map(),
          env: autotestVariables(facts),
          network: test.network,
          resources: test.resources,
          lockdown: test,
          timeoutMs: Math.max(1, deadline - Date.now()),
          onOutput: (stream, data) => input.output.write(stream, data),
          onSutStart: () => {
            if (steps.snapshot().test) return;
            steps.finish("services");
            steps.start("test");
          },
        },
        signal,
      );
      const tested = verdictOf(result, pipeline);
      if (tested.verdict !== "passed")
        return { ...tested, reason: `${plan.file}: ${tested.reason ?? ""}` };
    }
    return { verdict: "passed", exitCode: 0 };
  } finally {
    steps.finish("services");
    steps.finish("test");
  }
}

/** A file read and planned; problems are also written to the run's output, in full. */
function planned(
  text: string,
  file: string,
  variables: ComposeVariables,
  output: OutputSink,
): ComposePlan {
  try {
    return planComposeTest(readComposeFile(text, file, variables));
  } catch (error) {
    // The reason holds what fits on one line; with more than one problem, the output has all.
    if (error instanceof ComposeError && error.problems.length > 1) {
      for (const problem of error.problems)
        output.write("pushgate", Buffer.from(`${file}: ${problem}\n`));
    }
    throw error;
  }
}

/** The image ID each planned service runs: the tested one, or its own image pulled once. */
async function pullServiceImages(
  plans: readonly ComposePlan[],
  testedId: string,
  options: PullOptions,
): Promise<Map<string, string>[]> {
  const pulls = new Map<string, Promise<string>>();
  const idOf = (reference: string, what: string): Promise<string> => {
    const known = pulls.get(reference);
    if (known) return known;
    const pulling = pullImage(parseImageReference(reference), options).then(
      (image) => image.id,
      (error: unknown) => {
        if (!(error instanceof DockerError)) throw error;
        throw new DockerError(error.code, `${what}: ${error.message}`);
      },
    );
    pulls.set(reference, pulling);
    return pulling;
  };
  return Promise.all(
    plans.map(async (plan) => {
      const ids = await Promise.all(
        plan.services.map(({ name, image }) =>
          image.tested
            ? Promise.resolve(testedId)
            : idOf(image.reference, `${plan.file}: service ${name}`),
        ),
      );
      return new Map(plan.services.map(({ name }, i) => [name, ids[i] ?? testedId]));
    }),
  );
}
