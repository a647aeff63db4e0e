import winston from "winston";
import { redactSecrets } from "./redact-secrets.js";

export type Logger = winston.Logger;

export interface LoggerOptions {
  level: string;
  /** Values replaced by "[REDACTED]" wherever they appear in a line. */
  secrets: readonly string[];
  /** Where lines go; standard output when omitted. */
  stream?: NodeJS.WritableStream;
}

const MESSAGE = Symbol.for("message");

/**
 * JSON lines, one per event. Redaction runs on the finished line, so a secret is caught
 * wherever it hides: a message, a field, an error's text, a URL.
 */
export function createLogger({ level, secrets, stream }: LoggerOptions): Logger {
  const redact = winston.format((info) => {
    const line = (info as Record<symbol, unknown>)[MESSAGE];
    if (typeof line === "string") {
      (info as Record<symbol, unknown>)[MESSAGE] = redactSecrets(line, secrets);
    }
    return info;
  });
  // winston formats a line before its transports drop it for its level: drop it first, so a
  // debug line costs next to nothing at level info (there is one per webhook).
  const levels: Record<string, number> = winston.config.npm.levels;
  const threshold = levels[level] ?? levels.info ?? 2;
  const enabled = winston.format((info) => ((levels[info.level] ?? 0) <= threshold ? info : false));
  return winston.createLogger({
    level,
    format: winston.format.combine(
      enabled(),
      winston.format.timestamp(),
      winston.format.errors({ stack: false }),
      winston.format.json(),
      redact(),
    ),
    transports: [
      stream
        ? new winston.transports.Stream({ stream })
        : new winston.transports.Console({ stderrLevels: [] }),
    ],
  });
}
