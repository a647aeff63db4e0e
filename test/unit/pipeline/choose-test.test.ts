import { describe, expect, it } from "vitest";
import type { TestConfig } from "../../../src/config/config.js";
import type { ImageFacts } from "../../../src/docker/image-client.js";
import { chooseTest } from "../../../src/pipeline/choose-test.js";

const test = (over: Partial<TestConfig> = {}): TestConfig => ({
  env: {},
  timeoutMs: 60_000,
  network: "none",
  resources: { memoryBytes: 1, cpus: 1, pids: 64 },
  services: [],
  readOnly: false,
  tmpfs: [],
  ...over,
});
const image = (over: Partial<ImageFacts> = {}): ImageFacts => ({
  hasCommand: true,
  workingDir: "/src",
  source: {},
  ...over,
});
const labelled = image({
  testComposeLabel: "/t/a.yml, b.yml",
  testCommandLabel: '["make","test"]',
});
const compose = [{ path: "docker-compose.test.yml", text: "services: {}" }];

describe("which test a run runs", () => {
  it("takes, in order: test.compose, test.command, the compose label, the command label, the default", () => {
    expect(chooseTest(test({ compose }), labelled)).toEqual({
      kind: "compose",
      files: [{ name: "docker-compose.test.yml", text: "services: {}" }],
    });
    expect(chooseTest(test({ command: ["npm", "test"] }), labelled)).toEqual({
      kind: "command",
      command: ["npm", "test"],
    });
    expect(chooseTest(test(), labelled)).toEqual({
      kind: "compose",
      files: [
        { name: "/t/a.yml (in the image)", imagePath: "/t/a.yml" },
        { name: "/src/b.yml (in the image)", imagePath: "/src/b.yml" },
      ],
    });
    expect(chooseTest(test(), image({ testCommandLabel: '["make","test"]' }))).toEqual({
      kind: "command",
      command: ["make", "test"],
    });
    expect(chooseTest(test(), image())).toEqual({ kind: "command" });
  });

  it("refuses a compose label that names no file", () => {
    expect(() => chooseTest(test(), image({ testComposeLabel: " , " }))).toThrow(
      "the image's label pushgate.test.compose must name a file in the image",
    );
  });
});
