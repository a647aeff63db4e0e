import { PayloadError, type PayloadProblem } from "../../src/sources/payload-error.js";

/** The problems a parser reports for a bad payload; fails when it does not throw PayloadError. */
export function problemsOf(parse: () => unknown): PayloadProblem[] {
  try {
    parse();
  } catch (error) {
    if (error instanceof PayloadError) return [...error.problems];
    throw error;
  }
  throw new Error("expected a PayloadError");
}
