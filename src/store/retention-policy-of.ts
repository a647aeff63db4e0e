import type { StoreConfig } from "../config/config.js";
import type { RetentionPolicy } from "./run-store.js";

/** The policy store.retention sets as of `now`; undefined when it sets none (keep everything). */
export function retentionPolicyOf(
  retention: StoreConfig["retention"],
  now: Date,
): RetentionPolicy | undefined {
  const { maxAgeMs, keepPerPipeline } = retention;
  if (maxAgeMs === undefined && keepPerPipeline === undefined) return undefined;
  return {
    ...(maxAgeMs !== undefined ? { before: new Date(now.getTime() - maxAgeMs) } : {}),
    ...(keepPerPipeline !== undefined ? { keepPerPipeline } : {}),
  };
}
