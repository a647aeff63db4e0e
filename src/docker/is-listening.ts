const LISTEN = "0A";

/**
 * Whether /proc/net/tcp (or tcp6) text shows a socket listening on `port`: each entry is
 * "sl local_address rem_address st ...", the local address "HEXIP:HEXPORT", state 0A LISTEN.
 */
export function isListening(procNetTcp: string, port: number): boolean {
  return procNetTcp.split("\n").some((line) => {
    const [, local, , state] = line.trim().split(/\s+/);
    const hexPort = local?.split(":").at(-1);
    return state === LISTEN && hexPort !== undefined && parseInt(hexPort, 16) === port;
  });
}
