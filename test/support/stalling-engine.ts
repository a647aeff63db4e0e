import { createServer as createHttpServer, request, type IncomingMessage } from "node:http";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import { dockerSocketPath } from "./docker-cli.js";

export interface StallingEngine {
  /** tcp://127.0.0.1:port, for docker.host. */
  host: string;
  /** Requests it held without an answer so far, as "METHOD /path". */
  stalled: string[];
  close(): Promise<void>;
}

/**
 * An engine address that accepts connections and never says a word: what a hung engine, or
 * a proxy in front of a dead one, looks like to a client.
 */
export function startSilentEngine(): Promise<StallingEngine> {
  const sockets = new Set<Socket>();
  const stalled: string[] = [];
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on("data", (chunk: Buffer) => {
      const line = chunk.toString("latin1").split("\r\n", 1)[0] ?? "";
      if (/^[A-Z]+ \//.test(line)) stalled.push(line.replace(/ HTTP\/1\.1$/, ""));
    });
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  return listening(server, stalled, sockets);
}

/**
 * The real engine (its Unix socket) behind a loopback TCP port, except that requests
 * `stall` picks are read and never answered.
 */
export function startStallingProxy(
  stall: (method: string, path: string) => boolean,
): Promise<StallingEngine> {
  const sockets = new Set<Socket>();
  const stalled: string[] = [];
  const socketPath = dockerSocketPath();
  const server = createHttpServer((req, res) => {
    const path = (req.url ?? "/").replace(/^\/v[\d.]+\//, "/").split("?")[0] ?? "/";
    if (stall(req.method ?? "GET", path)) {
      stalled.push(`${req.method} ${path}`);
      req.resume();
      return;
    }
    const upstream = request(
      { socketPath, path: req.url, method: req.method, headers: req.headers },
      (answer: IncomingMessage) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return listening(server, stalled, sockets);
}

function listening(
  server: Server,
  stalled: string[],
  sockets: Set<Socket>,
): Promise<StallingEngine> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      resolve({
        host: `tcp://127.0.0.1:${port}`,
        stalled,
        close: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
