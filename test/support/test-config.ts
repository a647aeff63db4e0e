import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const WEBHOOK_TOKEN = "hook-token-for-tests-1";
export const OTHER_WEBHOOK_TOKEN = "hook-token-for-tests-2";
export const API_TOKEN = "api-token-for-tests";

/** A fresh directory for one test's store and config. */
export function tempDir(prefix = "pushgate-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A config file's text: test tokens, a store in `dir` (or `store`, a YAML flow mapping such
 * as `{ url: "postgres://..." }`), a random port, then `rest`. `auth` adds settings to the
 * auth block (one `key: value` per line).
 */
export function testConfigYaml(dir: string, rest = "", auth = "", store?: string): string {
  const extraAuth = auth
    .split("\n")
    .filter(Boolean)
    .map((line) => `  ${line}\n`)
    .join("");
  return `listen: { host: 127.0.0.1, port: 0 }
store: ${store ?? `{ path: ${JSON.stringify(join(dir, "pushgate.db"))} }`}
auth:
  webhookTokens: [${WEBHOOK_TOKEN}, ${OTHER_WEBHOOK_TOKEN}]
  apiToken: ${API_TOKEN}
${extraAuth}log: { level: debug }
${rest}`;
}
