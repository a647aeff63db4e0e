import { describe, expect, it } from "vitest";
import { runSourceOf } from "../../../src/pipeline/run-source.js";

const event = { registry: "127.0.0.1:5000", repository: "acme/web", tag: "0a1b2c3" };
const DIGEST = `sha256:${"d".repeat(64)}`;

describe("a run's source", () => {
  it("is what the labels say", () => {
    const labels = { url: "https://github.com/acme/web", revision: "feed42" };
    expect(runSourceOf(labels, { name: "web" }, event, DIGEST)).toEqual(labels);
  });

  it("takes the pipeline's repository and rendered revision for an image without labels", () => {
    const pipeline = { name: "web", source: { repository: "acme/web", revision: "{{tag}}" } };
    expect(runSourceOf({}, pipeline, event, DIGEST)).toEqual({
      repository: "acme/web",
      revision: "0a1b2c3",
    });
  });

  it("fills only what the labels leave out: their URL wins over the pipeline's repository", () => {
    const pipeline = { name: "web", source: { repository: "acme/other", revision: "{{tag}}" } };
    expect(runSourceOf({ url: "https://github.com/acme/web" }, pipeline, event, DIGEST)).toEqual({
      url: "https://github.com/acme/web",
      revision: "0a1b2c3",
    });
  });

  it("is unknown when nothing names it, or the revision renders empty", () => {
    expect(runSourceOf({}, { name: "web" }, event, undefined)).toBeUndefined();
    const pipeline = { name: "web", source: { revision: "{{digest}}" } };
    expect(runSourceOf({}, pipeline, event, undefined)).toBeUndefined();
  });
});
