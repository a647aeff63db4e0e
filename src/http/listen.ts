import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import { createExpressServer } from "./create-express-server.js";

/** How long open connections get to finish their request once the server stops listening. */
const CLOSE_CONNECTIONS_MS = 2000;

/** Serves `app` on host:port; resolves with the server and the URL it is reached at. */
export async function listen(
  app: Express,
  at: { host: string; port: number },
): Promise<{ server: Server; url: string }> {
  const server = createExpressServer(app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(at.port, at.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = at.host === "0.0.0.0" || at.host === "::" ? "127.0.0.1" : at.host;
  return { server, url: `http://${host.includes(":") ? `[${host}]` : host}:${port}` };
}

/**
 * Stops listening and waits for the requests being answered; connections still open after a
 * moment (a client keeping its socket) are closed.
 */
export async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), CLOSE_CONNECTIONS_MS);
  await closed;
  clearTimeout(timer);
}
