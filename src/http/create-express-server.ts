import { createServer, IncomingMessage, ServerResponse, type Server } from "node:http";
import type { Express } from "express";

/**
 * An HTTP server for `app` whose requests and responses are born with the app's prototypes.
 *
 * Express gives every request and response its own prototype (app.request, app.response)
 * with Object.setPrototypeOf as it starts handling them. V8 then treats each of them as an
 * object of a new shape, and every property access inside Node's HTTP code and Express
 * becomes slow: on Node 20 that costs about 150 µs of CPU a request, four times what the
 * rest of a bare Express app costs (bench/README.md). Node builds requests and responses
 * from the classes it is given (http.createServer's IncomingMessage and ServerResponse
 * options): classes whose prototypes sit on the app's make Express's setPrototypeOf a no-op
 * (the prototype is already the one it sets), so nothing changes shape. Express itself is
 * unchanged: req and res have the same prototype chain as before, one link longer.
 */
export function createExpressServer(app: Express): Server {
  class AppRequest extends IncomingMessage {}
  Object.setPrototypeOf(AppRequest.prototype, app.request);
  class AppResponse<
    Request extends IncomingMessage = IncomingMessage,
  > extends ServerResponse<Request> {}
  Object.setPrototypeOf(AppResponse.prototype, app.response);
  // What Express sets each request's prototype to: the prototypes they already have.
  app.request = AppRequest.prototype as unknown as Express["request"];
  app.response = AppResponse.prototype as unknown as Express["response"];
  return createServer({ IncomingMessage: AppRequest, ServerResponse: AppResponse }, app);
}
