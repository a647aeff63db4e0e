import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The variables of an .env.example beside a compose file, each given a value as a user would. */
export function exampleEnv(dir: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(join(dir, ".env.example"), "utf8")
      .split("\n")
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => line.slice(0, line.indexOf("=")))
      .map((name) => [name, name === "DOCKER_GID" ? "999" : `${name.toLowerCase()}-value`]),
  );
}

/** Compose's ${VAR}, ${VAR:?message} and ${VAR:-default}, as `docker compose` reads them. */
export function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::[?-][^}]*)?\}/g, (_, name: string) => {
    const value = env[name];
    if (value === undefined) throw new Error(`${name} is not set`);
    return value;
  });
}

/** The variables a text reads as ${VAR}. */
export const variablesIn = (text: string): string[] =>
  [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::[?-][^}]*)?\}/g)].map((m) => m[1] ?? "");
