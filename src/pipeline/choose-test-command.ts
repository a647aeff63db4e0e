import { DockerError } from "../docker/docker-error.js";
import { TEST_COMMAND_LABEL } from "../docker/labels.js";
import type { ImageFacts } from "../docker/image-client.js";

/**
 * The argv a test runs: `test.command` from the config; else the image's own
 * `pushgate.test.command` label (a JSON argv array, so a team can change how its image is
 * tested without touching pushgate); else undefined, meaning the image's default command.
 */
export function chooseTestCommand(
  configured: readonly string[] | undefined,
  image: Pick<ImageFacts, "hasCommand" | "testCommandLabel">,
): string[] | undefined {
  if (configured) return [...configured];
  if (image.testCommandLabel !== undefined) {
    let argv: unknown;
    try {
      argv = JSON.parse(image.testCommandLabel);
    } catch {
      argv = undefined;
    }
    if (
      !Array.isArray(argv) ||
      argv.length === 0 ||
      !argv.every((part): part is string => typeof part === "string")
    ) {
      throw new DockerError(
        "bad_test_label",
        `the image's label ${TEST_COMMAND_LABEL} must be a JSON array of strings such as ["make","test"]`,
      );
    }
    return argv;
  }
  if (!image.hasCommand) {
    throw new DockerError(
      "no_command",
      `the image has no command to run: set test.command in the pipeline or a ${TEST_COMMAND_LABEL} label on the image`,
    );
  }
  return undefined;
}
