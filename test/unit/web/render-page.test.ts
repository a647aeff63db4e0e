import { describe, expect, it } from "vitest";
import { createRenderer } from "../../../src/web/render-page.js";
import { parseConfig } from "../../../src/config/load-config.js";
import { pipelinesPageModel } from "../../../src/web/models/pipelines-page-model.js";
import { runPageModel } from "../../../src/web/models/run-page-model.js";
import { runsPageModel } from "../../../src/web/models/runs-page-model.js";
import { NOW, at, runRecord } from "./run-records.js";

const render = createRenderer();
const HOSTILE = `"><script>alert(1)</script><img src=x onerror='alert(2)'>`;
const frame = { title: HOSTILE, section: "runs", csrfToken: "token-1" };

describe("the templates", () => {
  it("escape every value they print, in text and in attributes", () => {
    const run = runRecord("failed", {
      reason: HOSTILE,
      event: { ...runRecord("queued").event, pusher: HOSTILE },
      finishedAt: at(1),
    });
    const model = runsPageModel({
      runs: [run],
      query: { repository: HOSTILE },
      pageSize: 50,
      pipelines: [HOSTILE],
      now: NOW,
    });
    const html = render.render("runs.njk", { ...model, frame });
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain(
      'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&#39;alert(2)&#39;&gt;"',
    );
    expect(html).toContain("<td>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("<title>&quot;&gt;&lt;script&gt;");
  });

  it("print the rendered test output as it is: already escaped, colours as spans", () => {
    const run = runRecord("errored", { reason: HOSTILE, finishedAt: at(1) });
    const model = runPageModel({
      run,
      actions: [],
      output: {
        head: [{ stream: "stdout", text: `\u001b[31m${HOSTILE}\u001b[0m\n` }],
        tail: [],
        totalBytes: 80,
        droppedBytes: 0,
      },
      retries: [],
      pipelineConfigured: true,
      now: NOW,
    });
    const html = render.render("run.njk", { ...model, frame });
    expect(html).not.toContain("<script>alert");
    expect(html).toContain(
      '<span class="stdout"><span class="ansi-red-fg">&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;',
    );
    expect(html).toMatch(/class="errored-reason"[^]*&quot;&gt;&lt;script&gt;alert\(1\)/);
    // The forms carry the session's token.
    expect(html).toContain('<input type="hidden" name="_csrf" value="token-1">');
  });

  it("name a pipeline's Compose test files, else its command, else what the image says", () => {
    const { pipelines } = parseConfig(
      `auth: { webhookTokens: [hook-token-1], apiToken: api-token-1 }
pipelines:
  - { name: cmd, match: { repository: a/a }, test: { command: [make, test] } }
  - { name: label, match: { repository: a/b } }`,
      {},
    );
    const [cmd, label] = pipelines;
    if (!cmd || !label) throw new Error("two pipelines expected");
    const composed = {
      ...label,
      name: "compose",
      test: {
        ...label.test,
        compose: [
          { path: "a.test.yml", text: "" },
          { path: "b.test.yml", text: "" },
        ],
      },
    };
    const model = pipelinesPageModel({
      pipelines: [cmd, label, composed],
      recent: new Map(),
      queue: { paused: false, queued: 0, executing: 0 },
      now: NOW,
    });
    const html = render.render("pipelines.njk", { ...model, frame });
    expect(html).toContain("<dd><code>make test</code></dd>");
    expect(html).toContain(
      "the image's <code>pushgate.test.compose</code> or <code>pushgate.test.command</code> label",
    );
    expect(html).toContain(
      "Compose test files <code>a.test.yml</code>, <code>b.test.yml</code> (its <code>sut</code> service)",
    );
  });

  it("refuse to print a value the model lacks, instead of printing nothing", () => {
    expect(() => render.render("run-rows.njk", { rows: [{ id: "x" }] })).toThrow(/undefined/);
  });
});
