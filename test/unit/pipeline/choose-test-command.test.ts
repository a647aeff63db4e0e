import { describe, expect, it } from "vitest";
import { chooseTestCommand } from "../../../src/pipeline/choose-test-command.js";

describe("chooseTestCommand", () => {
  it("prefers test.command, then the image's label, then the image's own command", () => {
    const labelled = { hasCommand: true, testCommandLabel: '["make","test"]' };
    expect(chooseTestCommand(["npm", "test"], labelled)).toEqual(["npm", "test"]);
    expect(chooseTestCommand(undefined, labelled)).toEqual(["make", "test"]);
    expect(chooseTestCommand(undefined, { hasCommand: true })).toBeUndefined();
  });

  it.each(["make test", "[]", '["make", 1]', '{"cmd":"x"}'])(
    "refuses a label that is not a JSON argv: %s",
    (label) => {
      expect(() =>
        chooseTestCommand(undefined, { hasCommand: true, testCommandLabel: label }),
      ).toThrow(/pushgate\.test\.command must be a JSON array of strings/);
    },
  );

  it("says what to set when the image has nothing to run", () => {
    expect(() => chooseTestCommand(undefined, { hasCommand: false })).toThrow(
      /no command to run: set test\.command .* or a pushgate\.test\.command label/,
    );
  });
});
