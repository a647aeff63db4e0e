import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface StandinJob {
  /** Declared parameters; omitted, the job takes none (500 on buildWithParameters). */
  parameters?: string[];
  disabled?: boolean;
  /** How its builds end (default SUCCESS). */
  result?: "SUCCESS" | "FAILURE" | "UNSTABLE";
  /** Polls of a queue item before it becomes a build (default 1). */
  queuePolls?: number;
  /** Polls of a build before it has a result (default 1). */
  buildPolls?: number;
}

export interface StandinUser {
  token?: string;
  password?: string;
  /** Job/Build permission (default true). */
  canBuild?: boolean;
  /** Overall/Administer: error pages show this user the stack trace (default false). */
  admin?: boolean;
}

export interface JenkinsStandinOptions {
  users?: Record<string, StandinUser>;
  /** By full name: "deploy/web" is the job web in the folder deploy. */
  jobs?: Record<string, StandinJob>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A build Jenkins accepted: the parameters as sent, and those the build sees. */
export interface AcceptedTrigger {
  job: string;
  sent: Record<string, string>;
  /** Jenkins drops parameters the job does not declare; these are the ones it keeps. */
  parameters: Record<string, string>;
  queueId: number;
}

export interface JenkinsStandin {
  url: string;
  requests: RecordedRequest[];
  triggers: AcceptedTrigger[];
  /** The next `count` requests get a 503 or 500, or have their connection dropped ("reset"). */
  failNext(count: number, mode: FailMode): void;
  /** Forgets every session, as a restarted Jenkins does: issued crumbs stop working. */
  expireSessions(): void;
  /** Stops listening (connections are refused) / listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

type FailMode = "503" | "500" | "reset";

interface QueueItem {
  id: number;
  job: string;
  sent: Record<string, string>;
  pollsLeft: number;
  build?: Build;
}

interface Build {
  job: string;
  number: number;
  pollsLeft: number;
  result: string;
}

const escape = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** An error page as Jenkins' Jetty writes one: the message is in the title. */
function jettyError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "text/html;charset=iso-8859-1", ...headers });
  res.end(
    `<html><head><title>Error ${status} ${escape(message)}</title></head><body>` +
      `<h2>HTTP ERROR ${status} ${escape(message)}</h2></body></html>`,
  );
}

/**
 * An exception thrown by a request, as Jenkins answers it since JENKINS-60410 (2020):
 * jenkins.security.SuppressionFilter shows administrators the "Oops!" page with the stack
 * trace, and everyone else a bare page with a logging id that names nothing; both are 500.
 * (The bare page's words stand in for Jenkins' own; it never names the exception.)
 */
function uncaughtException(res: ServerResponse, admin: boolean, exception: string): void {
  const loggingId = randomUUID();
  res.writeHead(500, { "content-type": "text/html;charset=utf-8" });
  res.end(
    admin
      ? `<!DOCTYPE html><html><head><title>Jenkins</title></head><body><h1>Oops!</h1>` +
          `<div id="error-description"><h2>A problem occurred while processing the request</h2>` +
          `<p>Logging ID=${loggingId}</p></div><h2>Stack trace</h2><pre>${escape(exception)}\n` +
          `\tat jenkins.model.ParameterizedJobMixIn.doBuildWithParameters(ParameterizedJobMixIn.java)\n` +
          `\tat java.base/java.lang.reflect.Method.invoke(Method.java)\n</pre></body></html>`
      : `<html><head><title>Jenkins</title><body>\n` +
          `<p>A problem occurred while processing the request. Logging ID=${loggingId}</p>\n` +
          `</body></html>\n`,
  );
}

function json(res: ServerResponse, body: object, headers: Record<string, string> = {}): void {
  res.writeHead(200, { "content-type": "application/json;charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Jenkins' remote access API as its documentation describes it, on 127.0.0.1: HTTP Basic
 * with API token or password; 403 for anonymous, 401 + WWW-Authenticate for bad
 * credentials; with a password, POSTs need the crumb /crumbIssuer issued for the session
 * cookie ("No valid crumb was included in the request" otherwise). buildWithParameters:
 * 404 unknown job, 409 disabled, 500 for a job that declares no parameters (Jenkins'
 * IllegalStateException "This build is not parameterized!", shown to administrators only),
 * 201 + Location of a queue item, 303 when identical parameters are already queued;
 * undeclared parameters are never read. A job's api/json lists its parameter definitions.
 * Queue items become builds, builds end.
 */
export async function startJenkinsStandin(
  options: JenkinsStandinOptions = {},
): Promise<JenkinsStandin> {
  const users = options.users ?? {};
  const jobs = options.jobs ?? {};
  const requests: RecordedRequest[] = [];
  const triggers: AcceptedTrigger[] = [];
  const queue = new Map<number, QueueItem>();
  const builds = new Map<string, Build>();
  const nextBuild = new Map<string, number>();
  let sessions = new Map<string, string>(); // session id → user
  let nextQueueId = 1;
  let failing: { count: number; mode: FailMode } = { count: 0, mode: "503" };
  let url = "";
  const sockets = new Set<Socket>();

  const crumbOf = (session: string, user: string): string =>
    createHash("sha256").update(`${session}:${user}`).digest("hex").slice(0, 32);

  const sessionOf = (req: IncomingMessage): string | undefined => {
    const cookie = /JSESSIONID\.standin=([a-f0-9]+)/.exec(req.headers.cookie ?? "")?.[1];
    return cookie && sessions.has(cookie) ? cookie : undefined;
  };

  /** The user, or undefined once an error answer was written. */
  const authenticate = (
    req: IncomingMessage,
    res: ServerResponse,
  ): { name: string; user: StandinUser; byPassword: boolean } | undefined => {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!basic) {
      jettyError(res, 403, "Forbidden", {
        "x-you-are-authenticated-as": "anonymous",
        "x-required-permission": "hudson.model.Hudson.Read",
      });
      return undefined;
    }
    const decoded = Buffer.from(basic, "base64").toString();
    const name = decoded.slice(0, decoded.indexOf(":"));
    const secret = decoded.slice(decoded.indexOf(":") + 1);
    const user = users[name];
    if (user && user.token !== undefined && secret === user.token) {
      return { name, user, byPassword: false };
    }
    if (user && user.password !== undefined && secret === user.password) {
      return { name, user, byPassword: true };
    }
    jettyError(res, 401, `Invalid password/token for user: ${name}`, {
      "www-authenticate": 'Basic realm="Jenkins"',
    });
    return undefined;
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const path = new URL(req.url ?? "/", url).pathname;
    const who = authenticate(req, res);
    if (!who) return;

    if (req.method === "GET" && path === "/crumbIssuer/api/json") {
      const session = sessionOf(req) ?? randomBytes(8).toString("hex");
      sessions.set(session, who.name);
      json(
        res,
        {
          _class: "hudson.security.csrf.DefaultCrumbIssuer",
          crumb: crumbOf(session, who.name),
          crumbRequestField: "Jenkins-Crumb",
        },
        { "set-cookie": `JSESSIONID.standin=${session}; Path=/; HttpOnly` },
      );
      return;
    }

    if (req.method === "POST" && who.byPassword) {
      const session = sessionOf(req);
      const crumb = req.headers["jenkins-crumb"];
      if (!session || crumb !== crumbOf(session, who.name)) {
        jettyError(res, 403, "No valid crumb was included in the request");
        return;
      }
    }

    const queueMatch = /^\/queue\/item\/(\d+)\/api\/json$/.exec(path);
    if (req.method === "GET" && queueMatch) {
      const item = queue.get(Number(queueMatch[1]));
      if (!item) return jettyError(res, 404, "Not Found");
      return json(res, queueItemJson(item));
    }

    const jobMatch = /^((?:\/job\/[^/]+)+)\/(buildWithParameters|api\/json|(\d+)\/api\/json)$/.exec(
      path,
    );
    const jobName = jobMatch?.[1]
      ?.split("/job/")
      .filter(Boolean)
      .map((segment) => decodeURIComponent(segment))
      .join("/");
    const job = jobName !== undefined ? jobs[jobName] : undefined;
    if (!jobMatch || jobName === undefined || !job) return jettyError(res, 404, "Not Found");

    if (jobMatch[2] === "api/json") {
      if (req.method !== "GET") return jettyError(res, 405, "Method Not Allowed");
      return json(res, {
        _class: "hudson.model.FreeStyleProject",
        property: job.parameters
          ? [
              {
                _class: "hudson.model.ParametersDefinitionProperty",
                parameterDefinitions: job.parameters.map((name) => ({
                  _class: "hudson.model.StringParameterDefinition",
                  name,
                })),
              },
            ]
          : [],
      });
    }

    if (jobMatch[3] !== undefined) {
      const build = builds.get(`${jobName}#${jobMatch[3]}`);
      if (req.method !== "GET" || !build) return jettyError(res, 404, "Not Found");
      if (build.pollsLeft > 0) build.pollsLeft -= 1;
      const done = build.pollsLeft === 0;
      return json(res, {
        _class: "hudson.model.FreeStyleBuild",
        number: build.number,
        url: buildUrl(jobName, build.number),
        building: !done,
        result: done ? build.result : null,
      });
    }

    if (req.method !== "POST") return jettyError(res, 405, "Method Not Allowed");
    if (who.user.canBuild === false) {
      return jettyError(res, 403, "Forbidden", {
        "x-you-are-authenticated-as": who.name,
        "x-required-permission": "hudson.model.Item.Build",
      });
    }
    if (job.disabled) return jettyError(res, 409, `${jobName} is not buildable`);
    if (!job.parameters) {
      return uncaughtException(
        res,
        who.user.admin === true,
        "java.lang.IllegalStateException: This build is not parameterized!",
      );
    }
    const sent = Object.fromEntries(new URLSearchParams(body));
    const same = [...queue.values()].find(
      (item) =>
        item.job === jobName && !item.build && JSON.stringify(item.sent) === JSON.stringify(sent),
    );
    if (same) {
      res.writeHead(303, { location: `${url}/queue/item/${same.id}/` }).end();
      return;
    }
    const item: QueueItem = {
      id: nextQueueId++,
      job: jobName,
      sent,
      pollsLeft: job.queuePolls ?? 1,
    };
    queue.set(item.id, item);
    const declared = new Set(job.parameters);
    const parameters = Object.fromEntries(Object.entries(sent).filter(([k]) => declared.has(k)));
    triggers.push({ job: jobName, sent, parameters, queueId: item.id });
    res.writeHead(201, { location: `${url}/queue/item/${item.id}/` }).end();
  };

  const buildUrl = (job: string, number: number): string =>
    `${url}/${job
      .split("/")
      .map((s) => `job/${encodeURIComponent(s)}`)
      .join("/")}/${number}/`;

  const queueItemJson = (item: QueueItem): object => {
    if (!item.build && item.pollsLeft > 0) item.pollsLeft -= 1;
    if (!item.build && item.pollsLeft > 0) {
      return {
        _class: "hudson.model.Queue$WaitingItem",
        id: item.id,
        blocked: false,
        buildable: false,
        why: "In the quiet period. Expires in 4.9 sec",
      };
    }
    if (!item.build) {
      const job = jobs[item.job] ?? {};
      const number = (nextBuild.get(item.job) ?? 0) + 1;
      nextBuild.set(item.job, number);
      item.build = {
        job: item.job,
        number,
        pollsLeft: job.buildPolls ?? 1,
        result: job.result ?? "SUCCESS",
      };
      builds.set(`${item.job}#${number}`, item.build);
    }
    return {
      _class: "hudson.model.Queue$LeftItem",
      id: item.id,
      cancelled: false,
      executable: {
        _class: "hudson.model.FreeStyleBuild",
        number: item.build.number,
        url: buildUrl(item.job, item.build.number),
      },
    };
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });
      if (failing.count > 0) {
        failing.count -= 1;
        if (failing.mode === "reset") {
          req.socket.destroy();
          return;
        }
        if (failing.mode === "500") jettyError(res, 500, "Server Error");
        else jettyError(res, 503, "Service Unavailable");
        return;
      }
      handle(req, res, body);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  let port = 0;
  const start = (): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        port = (server.address() as AddressInfo).port;
        url = `http://127.0.0.1:${port}`;
        resolve();
      });
    });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  await start();
  return {
    get url() {
      return url;
    },
    requests,
    triggers,
    failNext: (count, mode) => {
      failing = { count, mode };
    },
    expireSessions: () => {
      sessions = new Map();
    },
    stop,
    start,
    close: stop,
  };
}
