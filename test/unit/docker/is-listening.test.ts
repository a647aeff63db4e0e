import { describe, expect, it } from "vitest";
import { isListening } from "../../../src/docker/is-listening.js";

// As Linux prints it: a listener on 0.0.0.0:5432 (0x1538) and a connection from port 8080.
const PROC_NET_TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 5678 1 0000000000000000 20 4 30 10 -1
`;

describe("isListening", () => {
  it("finds a socket in state LISTEN on the port", () => {
    expect(isListening(PROC_NET_TCP, 5432)).toBe(true);
  });

  it("ignores established connections and other ports", () => {
    expect(isListening(PROC_NET_TCP, 8080)).toBe(false);
    expect(isListening(PROC_NET_TCP, 5433)).toBe(false);
    expect(isListening("", 5432)).toBe(false);
  });
});
