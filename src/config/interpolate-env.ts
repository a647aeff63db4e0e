import { readFileSync } from "node:fs";
import { isAbsolute } from "node:path";
import { formatPath } from "../validation/format-joi-errors.js";

export interface InterpolationProblem {
  path: string;
  message: string;
}

export interface Interpolated {
  value: unknown;
  problems: InterpolationProblem[];
  /** What each `${file:...}` read: secrets, masked wherever they show up. */
  fileSecrets: string[];
}

/** Reads a secret file's text; throws with the system's reason (ENOENT, EACCES...). */
export type ReadSecretFile = (path: string) => string;

const REFERENCE = /\$\$|\$\{file:([^}]*)\}|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

const readUtf8: ReadSecretFile = (path) => readFileSync(path, "utf8");

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed YAML tree with values
 * from `env`, and `${file:/run/secrets/name}` with that file's text less one trailing newline
 * (Docker and Kubernetes secrets); `$$` stands for a literal `$`. Only scalars are touched, so
 * neither can change the shape of the config. An unset variable without a default, and a
 * file that cannot be read, are reported by the path of the setting that names them.
 */
export function interpolateEnv(
  tree: unknown,
  env: Readonly<Record<string, string | undefined>>,
  readFile: ReadSecretFile = readUtf8,
): Interpolated {
  const problems: InterpolationProblem[] = [];
  const fileSecrets: string[] = [];

  const fromFile = (file: string, path: (string | number)[]): string => {
    const problem = (message: string) => {
      problems.push({ path: formatPath(path), message });
      return "";
    };
    if (!isAbsolute(file)) return problem(`secret file ${file || '""'} must be an absolute path`);
    try {
      const text = readFile(file).replace(/\r?\n$/, "");
      fileSecrets.push(text);
      return text;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === "ENOENT" ? "no such file" : (code ?? String(error));
      return problem(`cannot read secret file ${file} (${why})`);
    }
  };

  const visit = (node: unknown, path: (string | number)[]): unknown => {
    if (typeof node === "string") {
      return node.replace(
        REFERENCE,
        (match, file: string | undefined, name: string | undefined, fallback?: string) => {
          if (match === "$$") return "$";
          if (file !== undefined) return fromFile(file, path);
          if (name === undefined) return "$";
          const value = env[name];
          if (value !== undefined && value !== "") return value;
          if (fallback !== undefined) return fallback;
          problems.push({
            path: formatPath(path),
            message: `environment variable ${name} is not set`,
          });
          return "";
        },
      );
    }
    if (Array.isArray(node)) return node.map((item, i) => visit(item, [...path, i]));
    if (node !== null && typeof node === "object") {
      return Object.fromEntries(
        Object.entries(node).map(([key, item]) => [key, visit(item, [...path, key])]),
      );
    }
    return node;
  };

  return { value: visit(tree, []), problems, fileSecrets };
}
