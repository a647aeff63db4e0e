import { describe, expect, it } from "vitest";
import {
  renderJson,
  renderTemplate,
  renderUrlTemplate,
  unknownPlaceholders,
  type TemplateValues,
} from "../../../src/actions/render-template.js";

const values: TemplateValues = {
  repository: "127.0.0.1:5000/acme/web",
  tag: "v1&x=2",
  digest: "sha256:abc",
  image: "127.0.0.1:5000/acme/web@sha256:abc",
  runId: "01HRUN",
  result: "passed",
  pipeline: "web",
  registry: "127.0.0.1:5000",
  revision: "0123abc",
  source: "https://git.example/acme/web",
};

describe("templates", () => {
  it("fills every known placeholder, spaces allowed, and nothing else", () => {
    expect(renderTemplate("{{repository}}:{{ tag }} {{runId}} {{nope}} {x}", values)).toBe(
      "127.0.0.1:5000/acme/web:v1&x=2 01HRUN {{nope}} {x}",
    );
    expect(renderTemplate("commit {{revision}}", values)).toBe("commit 0123abc");
  });

  it("percent-encodes values placed in a URL, so they cannot add parameters", () => {
    expect(renderUrlTemplate("https://h/deploy?image={{repository}}&tag={{tag}}", values)).toBe(
      "https://h/deploy?image=127.0.0.1%3A5000%2Facme%2Fweb&tag=v1%26x%3D2",
    );
  });

  it("renders every string of a JSON body, keys and other values untouched", () => {
    expect(
      renderJson({ "{{tag}}": "{{tag}}", list: ["{{digest}}", 3, true, null] }, values),
    ).toEqual({ "{{tag}}": "v1&x=2", list: ["sha256:abc", 3, true, null] });
  });

  it("lists unknown placeholders for config validation", () => {
    expect(unknownPlaceholders("{{repository}} {{repo}} {{ Tag }}")).toEqual(["repo", "Tag"]);
  });
});
