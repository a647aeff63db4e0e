import { RateLimiterMemory } from "rate-limiter-flexible";

/**
 * Wrong API tokens given to the sign-in form, counted per address (rate-limiter-flexible): an
 * address that gave `attempts` of them within `windowMs` is refused for the rest of that
 * window, right tokens included, so a guess that happens to be right does not get through.
 * A right token clears the count.
 */
export class SignInLimiter {
  private readonly limiter: RateLimiterMemory;

  constructor(
    readonly attempts = 10,
    readonly windowMs = 15 * 60_000,
  ) {
    this.limiter = new RateLimiterMemory({ points: attempts, duration: windowMs / 1000 });
  }

  /** Seconds until the address may try again, when it has used up its wrong tokens. */
  async lockedFor(address: string): Promise<number | undefined> {
    const state = await this.limiter.get(address);
    if (!state || state.consumedPoints < this.attempts) return undefined;
    return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  }

  async wrong(address: string): Promise<void> {
    await this.limiter.penalty(address);
  }

  async right(address: string): Promise<void> {
    await this.limiter.delete(address);
  }
}
