import { formatPath } from "../validation/format-joi-errors.js";

export interface InterpolationProblem {
  path: string;
  message: string;
}

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed YAML tree with values
 * from `env` (`$$` stands for a literal `$`). Only scalars are touched, so an environment
 * value can never change the shape of the config. Unset variables without a default are
 * reported by the path of the setting that names them.
 */
export function interpolateEnv(
  tree: unknown,
  env: Readonly<Record<string, string | undefined>>,
): { value: unknown; problems: InterpolationProblem[] } {
  const problems: InterpolationProblem[] = [];

  const visit = (node: unknown, path: (string | number)[]): unknown => {
    if (typeof node === "string") {
      return node.replace(REFERENCE, (match, name: string | undefined, fallback?: string) => {
        if (match === "$$" || name === undefined) return "$";
        const value = env[name];
        if (value !== undefined && value !== "") return value;
        if (fallback !== undefined) return fallback;
        problems.push({
          path: formatPath(path),
          message: `environment variable ${name} is not set`,
        });
        return "";
      });
    }
    if (Array.isArray(node)) return node.map((item, i) => visit(item, [...path, i]));
    if (node !== null && typeof node === "object") {
      return Object.fromEntries(
        Object.entries(node).map(([key, item]) => [key, visit(item, [...path, key])]),
      );
    }
    return node;
  };

  return { value: visit(tree, []), problems };
}
