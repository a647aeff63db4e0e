import type { JenkinsConfig } from "../config/config.js";
import { ActionError, type Send, type SendOptions } from "./action-call.js";
import { answerMessage, describeAnswer } from "./describe-answer.js";
import { headerOf, type HttpResponse } from "./http-client.js";

interface Crumb {
  field: string;
  value: string;
  /** The session the crumb belongs to (JSESSIONID...). */
  cookie: string;
}

export interface QueueItem {
  cancelled: boolean;
  /** Set once the item left the queue and became a build. */
  executable?: { number: number; url: string };
  /** Why it is still waiting ("In the quiet period..."). */
  why?: string;
}

export interface BuildState {
  number: number;
  url: string;
  building: boolean;
  /** SUCCESS, UNSTABLE, FAILURE, ABORTED once finished. */
  result: string | null;
}

/** How Jenkins names a job without parameters: IllegalStateException("This build is not parameterized!"). */
const NOT_PARAMETERIZED = /is not parameterized/i;

/**
 * Jenkins' remote access API. With an API token, HTTP Basic is all it takes; with a
 * password, POSTs need a crumb from /crumbIssuer tied to the session cookie it set, and a
 * stale one is refreshed once. Every call goes through the action's `send`, so it is timed
 * out, retried and recorded like any other.
 */
export class JenkinsClient {
  private readonly base: URL;
  private readonly authorization: string;
  private crumb: Promise<Crumb | undefined> | undefined;

  constructor(private readonly config: JenkinsConfig) {
    this.base = new URL(config.url.endsWith("/") ? config.url : `${config.url}/`);
    const secret = config.token ?? config.password ?? "";
    this.authorization = `Basic ${Buffer.from(`${config.user}:${secret}`).toString("base64")}`;
  }

  /** `deploy/web` → `{url}/job/deploy/job/web/`, each segment URL-encoded. */
  jobUrl(job: string): string {
    const path = job
      .split("/")
      .map((segment) => `job/${encodeURIComponent(segment)}/`)
      .join("");
    return new URL(path, this.base).href;
  }

  /**
   * POSTs buildWithParameters; resolves with the queue item's URL when Jenkins gave one. A
   * job that declares no parameters is refused at once, never retried: it would not change.
   */
  async triggerBuild(
    job: string,
    parameters: Readonly<Record<string, string>>,
    send: Send,
  ): Promise<{ status: number; queueUrl?: string }> {
    let declares: Promise<boolean> | undefined;
    const takesNoParameters = async (response: HttpResponse): Promise<boolean> => {
      if (response.status !== 400 && response.status !== 500) return false;
      if (NOT_PARAMETERIZED.test(response.body)) return true;
      if (response.status !== 500) return false;
      declares ??= this.declaresParameters(job, send);
      return !(await declares);
    };
    const post = async (crumb: Crumb | undefined): Promise<HttpResponse> =>
      send(
        {
          method: "POST",
          url: `${this.jobUrl(job)}buildWithParameters`,
          headers: {
            authorization: this.authorization,
            "content-type": "application/x-www-form-urlencoded",
            ...(crumb ? { [crumb.field]: crumb.value, cookie: crumb.cookie } : {}),
          },
          body: new URLSearchParams(parameters).toString(),
        },
        { final: takesNoParameters },
      );
    let response = await post(await this.currentCrumb(send));
    const staleCrumb = response.status === 403 && /no valid crumb/i.test(answerMessage(response));
    if (staleCrumb && this.config.password !== undefined) {
      this.crumb = undefined;
      response = await post(await this.currentCrumb(send));
    }
    const location = headerOf(response, "location");
    if (response.status === 201 || response.status === 303) {
      return { status: response.status, ...(location ? { queueUrl: this.resolve(location) } : {}) };
    }
    if (response.status >= 200 && response.status < 300) return { status: response.status };
    if (await takesNoParameters(response)) {
      throw new ActionError(
        `job ${job} declares no parameters: add the DOCKER_TRIGGER_* parameters (see jenkins/config.xml)`,
      );
    }
    throw this.failure(response, `job ${job}`);
  }

  /**
   * Whether the job declares parameters, from its own description (Job/Read). Jenkins answers
   * buildWithParameters on a job without any with a 500 that names the cause only to
   * administrators; others get a bare error page, and this tells the two 500s apart. When
   * the job cannot be read, it is taken to declare some: the answer stands as it came.
   */
  private async declaresParameters(job: string, send: Send): Promise<boolean> {
    const tree = encodeURIComponent("property[parameterDefinitions[name]]");
    try {
      const json = await this.getJson(`${this.jobUrl(job)}api/json?tree=${tree}`, send, "job", {
        policy: { attempts: 1 },
      });
      const properties: unknown[] = Array.isArray(json.property) ? json.property : [];
      return properties.some((property) => {
        const definitions = (property as { parameterDefinitions?: unknown } | null)
          ?.parameterDefinitions;
        return Array.isArray(definitions) && definitions.length > 0;
      });
    } catch {
      return true;
    }
  }

  async queueItem(queueUrl: string, send: Send): Promise<QueueItem> {
    const json = await this.getJson(`${queueUrl}api/json`, send, "queue item");
    const executable = json.executable as { number?: unknown; url?: unknown } | null | undefined;
    return {
      cancelled: json.cancelled === true,
      ...(executable && typeof executable.number === "number" && typeof executable.url === "string"
        ? { executable: { number: executable.number, url: executable.url } }
        : {}),
      ...(typeof json.why === "string" ? { why: json.why } : {}),
    };
  }

  async build(buildUrl: string, send: Send): Promise<BuildState> {
    const json = await this.getJson(`${this.resolve(buildUrl)}api/json`, send, "build");
    return {
      number: typeof json.number === "number" ? json.number : 0,
      url: typeof json.url === "string" ? json.url : buildUrl,
      building: json.building === true,
      result: typeof json.result === "string" ? json.result : null,
    };
  }

  /**
   * A URL Jenkins handed out, made absolute and pointed at the configured Jenkins: its own
   * root URL setting may name another host, and credentials go to the configured one only.
   */
  resolve(url: string): string {
    const absolute = new URL(url, this.base);
    const rebased = new URL(`${absolute.pathname}${absolute.search}`, this.base.origin);
    return rebased.href.endsWith("/") ? rebased.href : `${rebased.href}/`;
  }

  private async getJson(
    url: string,
    send: Send,
    what: string,
    options: SendOptions = {},
  ): Promise<Record<string, unknown>> {
    const response = await send(
      { method: "GET", url, headers: { authorization: this.authorization } },
      { ...options, record: false },
    );
    if (response.status !== 200) throw this.failure(response, what);
    try {
      return JSON.parse(response.body) as Record<string, unknown>;
    } catch {
      throw new ActionError(`Jenkins answered the ${what} with something other than JSON`);
    }
  }

  private currentCrumb(send: Send): Promise<Crumb | undefined> {
    if (this.config.password === undefined) return Promise.resolve(undefined);
    this.crumb ??= this.fetchCrumb(send).catch((error: unknown) => {
      this.crumb = undefined;
      throw error;
    });
    return this.crumb;
  }

  private async fetchCrumb(send: Send): Promise<Crumb | undefined> {
    const response = await send({
      method: "GET",
      url: new URL("crumbIssuer/api/json", this.base).href,
      headers: { authorization: this.authorization },
    });
    if (response.status === 404) return undefined; // CSRF protection is off
    if (response.status !== 200) throw this.failure(response, "crumb issuer");
    let json: { crumb?: unknown; crumbRequestField?: unknown } = {};
    try {
      json = JSON.parse(response.body) as typeof json;
    } catch {
      // reported below
    }
    if (typeof json.crumb !== "string" || typeof json.crumbRequestField !== "string") {
      throw new ActionError("Jenkins' crumb issuer answered without a crumb");
    }
    const setCookie = response.headers["set-cookie"] ?? [];
    const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie])
      .map((line) => line.split(";")[0]?.trim() ?? "")
      .filter(Boolean)
      .join("; ");
    return { field: json.crumbRequestField, value: json.crumb, cookie };
  }

  /** Jenkins' own message, and what it means for a job ("HTTP 404: job deploy/web not found"). */
  private failure(response: HttpResponse, what: string): ActionError {
    if (response.status === 404) return new ActionError(`HTTP 404: ${what} not found`);
    const user = headerOf(response, "x-you-are-authenticated-as");
    const permission = headerOf(response, "x-required-permission");
    if (response.status === 403 && user && permission) {
      return new ActionError(`HTTP 403: ${user} lacks the permission ${permission}`);
    }
    return new ActionError(describeAnswer(response));
  }
}
