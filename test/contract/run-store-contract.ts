import { describe } from "vitest";
import { actionsContract } from "./actions-contract.js";
import { claimsContract } from "./claims-contract.js";
import { dedupeContract } from "./dedupe-contract.js";
import { promotionsContract } from "./promotions-contract.js";
import { queueContract } from "./queue-contract.js";
import { retentionContract } from "./retention-contract.js";
import { runsContract } from "./runs-contract.js";
import { sessionsContract } from "./sessions-contract.js";
import { sourceContract } from "./source-contract.js";
import type { StoreFactory } from "./store-factory.js";

/** The suite every RunStore passes, so the engines cannot drift apart. */
export function runStoreContract(name: string, factory: StoreFactory): void {
  describe(`${name} keeps the RunStore contract`, () => {
    runsContract(factory);
    dedupeContract(factory);
    queueContract(factory);
    actionsContract(factory);
    sessionsContract(factory);
    sourceContract(factory);
    promotionsContract(factory);
    claimsContract(factory);
    retentionContract(factory);
  });
}
