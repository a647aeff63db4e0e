import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkConfig } from "../../../src/cli/check-config.js";
import { ConfigError } from "../../../src/config/config-error.js";
import { loadConfig } from "../../../src/config/load-config.js";
import { tempDir } from "../../support/test-config.js";

const SUT =
  "services:\n  sut:\n    build: .\n    depends_on: [db]\n  db: { image: postgres:16 }\n  docs: { build: . }\n";

/** A config in a folder of its own with `files` beside it; its path. */
function configWith(test: string, files: Record<string, string> = {}): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const file = join(dir, "pushgate.yml");
  writeFileSync(
    file,
    `auth: { webhookTokens: [hook-token-1], apiToken: api-token-1 }
pipelines:
  - name: web
    match: { repository: acme/web }
    test: ${test}
`,
  );
  return file;
}

function problemsOf(file: string): readonly string[] {
  try {
    loadConfig(file, {});
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("test.compose in a pipeline", () => {
  it("reads one path or a list, relative to the config file's folder, at start-up", () => {
    const one = loadConfig(configWith("{ compose: tests/a.yml }", { "tests/a.yml": SUT }), {});
    expect(one.pipelines[0]?.test.compose).toEqual([{ path: "tests/a.yml", text: SUT }]);
    const two = loadConfig(
      configWith("{ compose: [a.yml, b.yml] }", { "a.yml": SUT, "b.yml": SUT }),
      {},
    );
    expect(two.pipelines[0]?.test.compose?.map((f) => f.path)).toEqual(["a.yml", "b.yml"]);
  });

  it("stops start-up with the same words a run would end errored with", () => {
    const refused = SUT.replace(
      "db: { image: postgres:16 }",
      "db: { image: postgres:16, privileged: true }",
    );
    expect(
      problemsOf(
        configWith("{ compose: [a.yml, b.yml, c.yml] }", {
          "a.yml": refused,
          "b.yml": "services: [",
        }),
      ),
    ).toEqual([
      "pipelines[0].test.compose[0]: a.yml: services.db.privileged: not allowed in a test (host privileges)",
      "pipelines[0].test.compose[1]: b.yml: line 1, column 12: Flow sequence in block collection must be sufficiently indented and end with a ]",
      "pipelines[0].test.compose[2]: c.yml: file not found",
    ]);
    expect(
      problemsOf(configWith("{ compose: a.yml }", { "a.yml": "services:\n  app: { build: . }\n" })),
    ).toEqual([
      "pipelines[0].test.compose: a.yml: no sut service: the test runs the service named sut and judges its exit code",
    ]);
  });

  it("checks interpolation with test.env and Autotest's variables, never pushgate's environment", () => {
    const file =
      "services:\n  sut:\n    image: ${IMAGE_NAME}\n    environment:\n      - A=${NEEDED:?set NEEDED in test.env}\n      - B=${SOURCE_COMMIT:?}\n";
    const config = (env: string) => configWith(`{ compose: a.yml${env} }`, { "a.yml": file });
    expect(problemsOf(config(", env: { NEEDED: x }"))).toEqual([]);
    const unset = config("");
    expect(problemsOf(unset)).toEqual([
      "pipelines[0].test.compose: a.yml: services.sut.environment[0]: required variable NEEDED is missing a value: set NEEDED in test.env",
    ]);
    expect(() => loadConfig(unset, { NEEDED: "from pushgate's environment" })).toThrow(ConfigError);
  });

  it("is one or the other with test.command, and names its own services", () => {
    expect(
      problemsOf(configWith('{ compose: a.yml, command: ["true"] }', { "a.yml": SUT })),
    ).toEqual(["pipelines[0].test: set test.compose or test.command, not both"]);
    expect(
      problemsOf(
        configWith("{ compose: a.yml, services: [{ name: db, image: postgres:16 }] }", {
          "a.yml": SUT,
        }),
      ),
    ).toEqual([
      "pipelines[0].test.services: not with test.compose (the compose file names its services)",
    ]);
  });

  it("check-config says which services each file would start", async () => {
    const file = configWith("{ compose: a.yml }", { "a.yml": SUT });
    let stdout = "";
    const code = await checkConfig(
      [file],
      {},
      {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: () => undefined },
      },
    );
    expect(code).toBe(0);
    expect(stdout).toContain("\n  web        a.yml starts db → sut; never started: docs\n");
  });
});
