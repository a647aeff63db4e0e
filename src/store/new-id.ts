import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * Returns a generator of monotonic ULIDs: 48 bits of milliseconds then 80 bits that start
 * random and count up within the same millisecond. Ids therefore sort in creation order,
 * so "newest first" and "oldest queued first" are index scans.
 */
export function createIdGenerator(): (now?: number) => string {
  let lastTime = -1;
  let lastRandom: number[] = [];
  return (now = Date.now()) => {
    if (now <= lastTime) {
      increment(lastRandom);
    } else {
      lastTime = now;
      lastRandom = [...randomBytes(16)].map((b) => b % 32);
      lastRandom[0] = (lastRandom[0] ?? 0) % 16; // headroom so increments never overflow
    }
    let time = "";
    let t = lastTime;
    for (let i = 0; i < 10; i++) {
      time = ALPHABET.charAt(t % 32) + time;
      t = Math.floor(t / 32);
    }
    return time + lastRandom.map((d) => ALPHABET.charAt(d)).join("");
  };
}

function increment(digits: number[]): void {
  for (let i = digits.length - 1; i >= 0; i--) {
    const next = (digits[i] ?? 0) + 1;
    if (next < 32) {
      digits[i] = next;
      return;
    }
    digits[i] = 0;
  }
}
