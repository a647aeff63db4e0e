import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Send } from "../../src/actions/action-call.js";
import { systemClock } from "../../src/actions/clock.js";
import { createAxiosHttpClient } from "../../src/actions/create-axios-http-client.js";
import { JenkinsClient } from "../../src/actions/jenkins-client.js";
import { sendWithRetry } from "../../src/actions/send-with-retry.js";
import { startJenkinsStandin, type JenkinsStandin } from "../support/jenkins-standin.js";

const http = createAxiosHttpClient();
const send: Send = (request, options) =>
  sendWithRetry(
    { http, clock: systemClock, random: Math.random },
    {
      ...request,
      headers: request.headers ?? {},
      timeoutMs: 5000,
      signal: new AbortController().signal,
    },
    { attempts: 3, backoffMs: 10, maxBackoffMs: 50, ...options?.policy },
    undefined,
    options?.final,
  );

const PARAMS = ["DOCKER_TRIGGER_REPO_NAME", "DOCKER_TRIGGER_TAG", "PUSHGATE_IMAGE"];
let jenkins: JenkinsStandin;

beforeAll(async () => {
  jenkins = await startJenkinsStandin({
    users: {
      pushgate: { token: "11f2c9f9ac5ffcb954158447874613629d" },
      human: { password: "correct horse" },
      viewer: { token: "viewer-token-123", canBuild: false },
      admin: { token: "admin-token-123", admin: true },
    },
    jobs: {
      "deploy/web app": { parameters: PARAMS, queuePolls: 2, buildPolls: 2 },
      web: { parameters: PARAMS },
      broken: { parameters: PARAMS, result: "FAILURE" },
      off: { parameters: PARAMS, disabled: true },
      plain: {},
    },
  });
});
afterAll(() => jenkins.close());

const client = (user: string, secret: { token: string } | { password: string }) =>
  new JenkinsClient({ url: jenkins.url, user, ...secret });
const tokenClient = () => client("pushgate", { token: "11f2c9f9ac5ffcb954158447874613629d" });
const since = (from: number) => jenkins.requests.slice(from);

describe("JenkinsClient against the stand-in", () => {
  it("triggers a folder job with an API token: form-encoded, no crumb, 201 + queue item", async () => {
    const from = jenkins.requests.length;
    const queued = await tokenClient().triggerBuild(
      "deploy/web app",
      { DOCKER_TRIGGER_REPO_NAME: "acme/web", DOCKER_TRIGGER_TAG: "v1 & v2" },
      send,
    );
    expect(queued.status).toBe(201);
    expect(queued.queueUrl).toMatch(/\/queue\/item\/\d+\/$/);
    const [post, ...rest] = since(from);
    expect(rest).toEqual([]);
    expect(post).toMatchObject({
      method: "POST",
      path: "/job/deploy/job/web%20app/buildWithParameters",
      body: "DOCKER_TRIGGER_REPO_NAME=acme%2Fweb&DOCKER_TRIGGER_TAG=v1+%26+v2",
    });
    expect(post?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(post?.headers["jenkins-crumb"]).toBeUndefined();
  });

  it("follows the queue item to the build and the build to its result", async () => {
    const jenkinsClient = tokenClient();
    const queued = await jenkinsClient.triggerBuild(
      "deploy/web app",
      { PUSHGATE_IMAGE: "x@sha256:1" },
      send,
    );
    const queueUrl = queued.queueUrl ?? "";
    expect(await jenkinsClient.queueItem(queueUrl, send)).toMatchObject({
      cancelled: false,
      why: expect.stringContaining("quiet period") as unknown,
    });
    const item = await jenkinsClient.queueItem(queueUrl, send);
    expect(item.executable?.url).toBe(
      `${jenkins.url}/job/deploy/job/web%20app/${item.executable?.number ?? 0}/`,
    );
    const buildUrl = item.executable?.url ?? "";
    expect(await jenkinsClient.build(buildUrl, send)).toMatchObject({
      building: true,
      result: null,
    });
    expect(await jenkinsClient.build(buildUrl, send)).toMatchObject({
      building: false,
      result: "SUCCESS",
    });
  });

  it("answers 303 with the queued item when identical parameters are already queued", async () => {
    const first = await tokenClient().triggerBuild("web", { DOCKER_TRIGGER_TAG: "same" }, send);
    const second = await tokenClient().triggerBuild("web", { DOCKER_TRIGGER_TAG: "same" }, send);
    expect(first.status).toBe(201);
    expect(second).toEqual({ status: 303, queueUrl: first.queueUrl });
  });

  it("with a password, sends the crumb of its session cookie, fetched once", async () => {
    const from = jenkins.requests.length;
    const human = client("human", { password: "correct horse" });
    expect((await human.triggerBuild("web", { DOCKER_TRIGGER_TAG: "p1" }, send)).status).toBe(201);
    expect((await human.triggerBuild("web", { DOCKER_TRIGGER_TAG: "p2" }, send)).status).toBe(201);
    const requests = since(from);
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /crumbIssuer/api/json",
      "POST /job/web/buildWithParameters",
      "POST /job/web/buildWithParameters",
    ]);
    expect(requests[1]?.headers["jenkins-crumb"]).toMatch(/^[a-f0-9]{32}$/);
    expect(requests[1]?.headers.cookie).toMatch(/^JSESSIONID\.standin=[a-f0-9]+$/);
  });

  it("retries once with a fresh crumb when Jenkins forgot the session", async () => {
    const human = client("human", { password: "correct horse" });
    await human.triggerBuild("web", { DOCKER_TRIGGER_TAG: "p3" }, send);
    jenkins.expireSessions();
    const from = jenkins.requests.length;
    expect((await human.triggerBuild("web", { DOCKER_TRIGGER_TAG: "p4" }, send)).status).toBe(201);
    expect(since(from).map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /job/web/buildWithParameters",
      "GET /crumbIssuer/api/json",
      "POST /job/web/buildWithParameters",
    ]);
  });

  it.each([
    ["an unknown job", () => tokenClient(), "deploy/nope", "HTTP 404: job deploy/nope not found"],
    ["a disabled job", () => tokenClient(), "off", "HTTP 409: off is not buildable"],
    [
      "a wrong token",
      () => client("pushgate", { token: "wrong-token" }),
      "web",
      "HTTP 401: Invalid password/token for user: pushgate",
    ],
    [
      "a user who may not build",
      () => client("viewer", { token: "viewer-token-123" }),
      "web",
      "HTTP 403: viewer lacks the permission hudson.model.Item.Build",
    ],
  ])("records Jenkins' message for %s, after one request", async (_what, make, job, message) => {
    const from = jenkins.requests.length;
    await expect(make().triggerBuild(job, { DOCKER_TRIGGER_TAG: "x" }, send)).rejects.toThrow(
      message,
    );
    expect(since(from)).toHaveLength(1);
  });

  const NO_PARAMETERS =
    "job plain declares no parameters: add the DOCKER_TRIGGER_* parameters (see jenkins/config.xml)";

  it("a job without parameters, to an administrator: Jenkins' 500 names it, not retried", async () => {
    const from = jenkins.requests.length;
    await expect(
      client("admin", { token: "admin-token-123" }).triggerBuild("plain", {}, send),
    ).rejects.toThrow(NO_PARAMETERS);
    expect(since(from).map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /job/plain/buildWithParameters",
    ]);
  });

  it("a job without parameters, to pushgate's user: a bare 500, then the job's description says why", async () => {
    const from = jenkins.requests.length;
    await expect(tokenClient().triggerBuild("plain", {}, send)).rejects.toThrow(NO_PARAMETERS);
    expect(since(from).map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /job/plain/buildWithParameters",
      "GET /job/plain/api/json?tree=property%5BparameterDefinitions%5Bname%5D%5D",
    ]);
  });

  it("another 500 of a job that declares parameters is retried as before", async () => {
    const from = jenkins.requests.length;
    jenkins.failNext(1, "500");
    expect(
      (await tokenClient().triggerBuild("web", { DOCKER_TRIGGER_TAG: "r500" }, send)).status,
    ).toBe(201);
    expect(since(from).map((r) => `${r.method} ${r.path.split("?")[0] ?? ""}`)).toEqual([
      "POST /job/web/buildWithParameters",
      "GET /job/web/api/json",
      "POST /job/web/buildWithParameters",
    ]);
  });

  it("stand-in: Jenkins' answers to a job without parameters, by who asks", async () => {
    const basic = (user: string, token: string) => ({
      authorization: `Basic ${Buffer.from(`${user}:${token}`).toString("base64")}`,
    });
    const asAdmin = await fetch(`${jenkins.url}/job/plain/buildWithParameters`, {
      method: "POST",
      headers: basic("admin", "admin-token-123"),
    });
    expect(asAdmin.status).toBe(500);
    expect(await asAdmin.text()).toContain(
      "java.lang.IllegalStateException: This build is not parameterized!",
    );
    const asUser = await fetch(`${jenkins.url}/job/plain/buildWithParameters`, {
      method: "POST",
      headers: basic("pushgate", "11f2c9f9ac5ffcb954158447874613629d"),
    });
    expect(asUser.status).toBe(500);
    const page = await asUser.text();
    expect(page).toMatch(/Logging ID=[0-9a-f-]{36}/);
    expect(page).not.toMatch(/parameterized/i);
  });

  it("stand-in: anonymous requests are forbidden, bad credentials challenged", async () => {
    const anonymous = await fetch(`${jenkins.url}/job/web/buildWithParameters`, { method: "POST" });
    expect(anonymous.status).toBe(403);
    expect(anonymous.headers.get("x-you-are-authenticated-as")).toBe("anonymous");
    const wrong = await fetch(`${jenkins.url}/job/web/buildWithParameters`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from("pushgate:nope").toString("base64")}` },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toBe('Basic realm="Jenkins"');
  });

  it("sends credentials only to the configured Jenkins, whatever root URL Jenkins reports", () => {
    const jenkinsClient = new JenkinsClient({
      url: "http://10.0.0.5:8080/ci",
      user: "u",
      token: "t",
    });
    expect(jenkinsClient.jobUrl("a b/c")).toBe("http://10.0.0.5:8080/ci/job/a%20b/job/c/");
    expect(jenkinsClient.resolve("https://jenkins.example.com/ci/job/c/7/")).toBe(
      "http://10.0.0.5:8080/ci/job/c/7/",
    );
    expect(jenkinsClient.resolve("/ci/queue/item/3/")).toBe(
      "http://10.0.0.5:8080/ci/queue/item/3/",
    );
  });
});
