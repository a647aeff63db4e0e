import { describe, expect, it } from "vitest";
import { jenkinsParametersOf } from "../../../src/actions/jenkins-parameters-of.js";
import { DIGEST, outcomeOf } from "../../support/outcomes.js";

describe("jenkinsParametersOf", () => {
  it("sends a Docker Hub push as the plugin does, plus pushgate's own", () => {
    const outcome = outcomeOf({
      event: {
        repository: "svendowideit/testhook",
        tag: "latest",
        pusher: "trustedbuilder",
        callbackUrl: "https://registry.hub.docker.com/u/svendowideit/testhook/hook/2141b5bi5i/",
      },
    });
    expect(jenkinsParametersOf(outcome, {})).toEqual({
      DOCKER_TRIGGER_REPO_NAME: "svendowideit/testhook",
      DOCKER_TRIGGER_TAG: "latest",
      DOCKER_TRIGGER_PUSHER: "trustedbuilder",
      DOCKER_TRIGGER_DOCKER_HUB_HOST: "registry.hub.docker.com",
      PUSHGATE_RUN_ID: "01HRUN00000000000000000000",
      PUSHGATE_RESULT: "passed",
      PUSHGATE_IMAGE: `svendowideit/testhook@${DIGEST}`,
    });
  });

  it("names other registries' repositories host/repository and sends the registry host", () => {
    const outcome = outcomeOf({
      verdict: "failed",
      event: { source: "registry", registry: "registry:5000", repository: "jplock/zookeeper" },
    });
    const parameters = jenkinsParametersOf(outcome, {});
    expect(parameters).toMatchObject({
      DOCKER_TRIGGER_REPO_NAME: "registry:5000/jplock/zookeeper",
      DOCKER_TRIGGER_DOCKER_REGISTRY_HOST: "registry:5000",
      DOCKER_TRIGGER_TAG: "v1.2",
      PUSHGATE_RESULT: "failed",
      PUSHGATE_IMAGE: `registry:5000/jplock/zookeeper@${DIGEST}`,
    });
    expect(parameters).not.toHaveProperty("DOCKER_TRIGGER_DOCKER_HUB_HOST");
  });

  it("leaves out what is unknown, as the plugin does, so the job's defaults apply", () => {
    const parameters = jenkinsParametersOf(
      outcomeOf({ verdict: "errored", imageDigest: null }),
      {},
    );
    expect(Object.keys(parameters).sort()).toEqual([
      "DOCKER_TRIGGER_REPO_NAME",
      "DOCKER_TRIGGER_TAG",
      "PUSHGATE_IMAGE",
      "PUSHGATE_RESULT",
      "PUSHGATE_RUN_ID",
    ]);
    // An errored run never pulled: the image is named by its tag.
    expect(parameters.PUSHGATE_IMAGE).toBe("acme/web:v1.2");
  });

  it("adds the action's own parameters with their placeholders filled in", () => {
    const outcome = outcomeOf({ event: { registry: "127.0.0.1:5000", source: "registry" } });
    const parameters = jenkinsParametersOf(outcome, {
      TARGET: "prod",
      IMAGE_REF: "{{repository}}:{{tag}}",
      PINNED: "{{ repository }}@{{digest}}",
      NOTE: "run {{runId}} said {{result}} for {{pipeline}} on {{registry}}",
      EMPTY: "",
    });
    expect(parameters).toMatchObject({
      TARGET: "prod",
      IMAGE_REF: "127.0.0.1:5000/acme/web:v1.2",
      PINNED: `127.0.0.1:5000/acme/web@${DIGEST}`,
      NOTE: "run 01HRUN00000000000000000000 said passed for web on 127.0.0.1:5000",
      EMPTY: "",
    });
  });
});
