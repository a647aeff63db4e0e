import { connect } from "node:net";
import type Dockerode from "dockerode";
import { demuxStream } from "./demux-stream.js";
import { isListening } from "./is-listening.js";

const PROBE_MS = 1000;

/**
 * Whether a service container accepts connections on `port`: pushgate connects to its
 * address on the run network (works where pushgate runs beside the engine), and otherwise
 * asks the container itself whether something listens there (/proc/net/tcp, needs `cat`).
 */
export async function probePort(
  container: Dockerode.Container,
  address: string | undefined,
  port: number,
): Promise<boolean> {
  if (address && (await canConnect(address, port))) return true;
  return listensInside(container, port).catch(() => false);
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: PROBE_MS });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}

async function listensInside(container: Dockerode.Container, port: number): Promise<boolean> {
  const exec = await container.exec({
    Cmd: ["cat", "/proc/net/tcp", "/proc/net/tcp6"],
    AttachStdout: true,
    AttachStderr: false,
  });
  const stream = (await exec.start({ hijack: true, stdin: false })) as NodeJS.ReadableStream & {
    destroy(): void;
  };
  let text = "";
  const finished = demuxStream(stream, (_name, data) => (text += data.toString()));
  const timer = setTimeout(() => stream.destroy(), PROBE_MS);
  await finished;
  clearTimeout(timer);
  return isListening(text, port);
}
