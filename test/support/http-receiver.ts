import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  /** Path and query. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface HttpReceiver {
  /** http://127.0.0.1:port */
  url: string;
  requests: ReceivedRequest[];
  /** Statuses for the next requests, in order (0: never answer); after them, 200. */
  answerNext(...statuses: number[]): void;
  close(): Promise<void>;
}

/** A plain HTTP server on 127.0.0.1 that records and counts every request it gets. */
export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const statuses: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests.push({
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      const status = statuses.shift() ?? 200;
      if (status === 0) return;
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(status < 400 ? "ok" : `refused with ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answerNext: (...next) => {
      statuses.splice(0, statuses.length, ...next);
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
