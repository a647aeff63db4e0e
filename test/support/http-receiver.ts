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

export interface HttpReceiverOptions {
  /** Answer each request only after this long, as a receiver does that works before it answers. */
  delayMs?: number;
  /** The plain-text body of a 4xx or 5xx answer; default "refused with <status>". */
  errorBody?: (request: ReceivedRequest, status: number) => string;
}

/** A plain HTTP server on 127.0.0.1 that records and counts every request it gets. */
export async function startHttpReceiver(options: HttpReceiverOptions = {}): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const statuses: number[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request: ReceivedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      requests.push(request);
      const status = statuses.shift() ?? 200;
      if (status === 0) return;
      const answer = (): void => {
        res.writeHead(status, { "content-type": "text/plain" });
        res.end(
          status < 400 ? "ok" : (options.errorBody?.(request, status) ?? `refused with ${status}`),
        );
      };
      if (!options.delayMs) return answer();
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, options.delayMs);
      timers.add(timer);
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
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
