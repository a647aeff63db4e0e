import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface StandinRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body as JSON, when it is JSON. */
  json?: unknown;
  at: number;
}

export interface StandinAnswer {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is; undefined: no body. */
  body?: unknown;
}

/** A forced answer for the next matching requests: a status (0: never answer) and its body. */
interface Forced {
  count: number;
  answer: StandinAnswer;
  when: (request: StandinRequest) => boolean;
}

export interface StandinServer {
  /** http://127.0.0.1:port */
  url: string;
  requests: StandinRequest[];
  /**
   * The next `count` requests for which `when` holds get `answer` instead of the service's
   * own (a 502 from a proxy in front of it; status 0: the connection is held, never answered).
   */
  failNext(count: number, answer: StandinAnswer, when?: (request: StandinRequest) => boolean): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, answer: StandinAnswer): void {
  const json = answer.body !== undefined && typeof answer.body !== "string";
  res.writeHead(answer.status, {
    ...(json ? { "content-type": "application/json; charset=utf-8" } : {}),
    ...answer.headers,
  });
  res.end(json ? JSON.stringify(answer.body) : (answer.body as string | undefined));
}

/**
 * The HTTP part every stand-in shares: a server on 127.0.0.1 that records each request
 * (body parsed when JSON) and answers with `handle`, unless a forced answer applies.
 */
export async function startStandinServer(
  handle: (request: StandinRequest) => StandinAnswer,
): Promise<StandinServer> {
  const requests: StandinRequest[] = [];
  const forced: Forced[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://standin");
      const body = Buffer.concat(chunks).toString();
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const request: StandinRequest = {
        method: req.method ?? "",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        ...(json !== undefined ? { json } : {}),
        at: Date.now(),
      };
      requests.push(request);
      const force = forced.find((f) => f.count > 0 && f.when(request));
      if (force) {
        force.count -= 1;
        if (force.answer.status !== 0) send(res, force.answer);
        return;
      }
      send(res, handle(request));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext: (count, answer, when = () => true) => forced.push({ count, answer, when }),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The token a request carries in `Authorization: <scheme> <token>`, for the given schemes. */
export function bearerOf(request: StandinRequest, schemes: readonly string[]): string | undefined {
  const header = request.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^(\S+)\s+(\S+)$/.exec(value ?? "");
  return match && schemes.includes((match[1] ?? "").toLowerCase()) ? match[2] : undefined;
}
