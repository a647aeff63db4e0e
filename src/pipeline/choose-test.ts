import { posix } from "node:path";
import type { TestConfig } from "../config/config.js";
import { DockerError } from "../docker/docker-error.js";
import type { ImageFacts } from "../docker/image-client.js";
import { TEST_COMPOSE_LABEL } from "../docker/labels.js";
import { chooseTestCommand } from "./choose-test-command.js";

/** A Compose test file to run: its text from the pipeline, or a path to read in the image. */
export type ComposeSource = { name: string; text: string } | { name: string; imagePath: string };

/** How an image is tested: Compose files one after the other, or one command. */
export type TestChoice =
  { kind: "compose"; files: ComposeSource[] } | { kind: "command"; command?: string[] };

/**
 * The test a run runs, first found: the pipeline's `test.compose`, its `test.command`, the
 * image's `pushgate.test.compose` label (paths inside the image, comma-separated, relative
 * ones from its working directory), its `pushgate.test.command` label, its default command.
 */
export function chooseTest(test: TestConfig, image: ImageFacts): TestChoice {
  if (test.compose) {
    return { kind: "compose", files: test.compose.map(({ path, text }) => ({ name: path, text })) };
  }
  if (test.command) return { kind: "command", command: [...test.command] };
  if (image.testComposeLabel !== undefined) {
    const paths = image.testComposeLabel
      .split(",")
      .map((path) => path.trim())
      .filter((path) => path !== "");
    if (paths.length === 0) {
      throw new DockerError(
        "bad_test_label",
        `the image's label ${TEST_COMPOSE_LABEL} must name a file in the image, such as /src/docker-compose.test.yml`,
      );
    }
    return {
      kind: "compose",
      files: paths.map((path) => {
        const imagePath = posix.resolve(image.workingDir, path);
        return { name: `${imagePath} (in the image)`, imagePath };
      }),
    };
  }
  const command = chooseTestCommand(undefined, image);
  return command ? { kind: "command", command } : { kind: "command" };
}
