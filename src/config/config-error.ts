/** A config file pushgate cannot start with; one line per problem, each naming its path. */
export class ConfigError extends Error {
  readonly code = "INVALID_CONFIG";

  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: invalid configuration\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}
