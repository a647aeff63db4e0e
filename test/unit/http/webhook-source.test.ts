import { describe, expect, it } from "vitest";
import { webhookSourceOf } from "../../../src/http/webhook-source.js";

describe("webhookSourceOf", () => {
  it.each([
    ["/dockerhub-webhook/t/notify", "dockerhub"],
    ["/DockerHub-Webhook/t/notify", "dockerhub"],
    ["/DOCKERREGISTRY-WEBHOOK/notify", "registry"],
    ["/acr-webhook", "acr"],
    ["/ghcr-webhook/", "ghcr"],
    ["/dockerhub-webhooks", undefined],
    ["/api/runs", undefined],
  ])("%s → %s", (path, source) => expect(webhookSourceOf(path)).toBe(source));
});
