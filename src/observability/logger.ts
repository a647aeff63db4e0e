import winston from "winston";
import { BufferedLines } from "./buffered-lines.js";
import { formatLogLine } from "./format-log-line.js";

export type Logger = winston.Logger;

export interface LoggerOptions {
  level: string;
  /** Values replaced by "[REDACTED]" wherever they appear in a line. */
  secrets: readonly string[];
  /** Where lines go; standard output when omitted. */
  stream?: NodeJS.WritableStream;
}

/**
 * JSON lines, one per event. Redaction runs on the finished line, so a secret is caught
 * wherever it hides: a message, a field, an error's text, a URL. A line costs a few
 * microseconds: there is one per request (bench/README.md).
 */
export function createLogger({ level, secrets, stream }: LoggerOptions): Logger {
  return winston.createLogger({
    level,
    format: formatLogLine(level, secrets),
    transports: [
      // A stream given (tests, tools) gets each line as it is written.
      stream ? new winston.transports.Stream({ stream }) : new BufferedLines(),
    ],
  });
}
