import type { YAMLError } from "yaml";

/** A YAML parse error in one line: "line 3, column 5: <what>" (parsed with prettyErrors). */
export function yamlErrorLine(error: YAMLError): string {
  const line = error.linePos?.[0];
  const message = (error.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
  return `${line ? `line ${line.line}, column ${line.col}` : "YAML"}: ${message}`;
}
