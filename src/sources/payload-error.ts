/** One thing wrong with a sender's payload, named by its path in the body. */
export interface PayloadProblem {
  path: string;
  message: string;
}

/** A payload that cannot be turned into push events; the sender gets 400 with each problem. */
export class PayloadError extends Error {
  readonly code = "INVALID_PAYLOAD";

  constructor(readonly problems: readonly PayloadProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join("; "));
    this.name = "PayloadError";
  }
}
