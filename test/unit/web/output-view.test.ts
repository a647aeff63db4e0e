import { describe, expect, it } from "vitest";
import type { OutputChunk } from "../../../src/store/run-store.js";
import { outputView } from "../../../src/web/models/output-view.js";

const ESC = "\u001b";
const out = (head: OutputChunk[], tail: OutputChunk[] = [], droppedBytes = 0) => ({
  head,
  tail,
  totalBytes: [...head, ...tail].reduce((n, c) => n + c.text.length, 0) + droppedBytes,
  droppedBytes,
});
const htmlOf = (chunks: OutputChunk[]) =>
  outputView(out(chunks)).parts.map((p) => (p.kind === "text" ? p.html : p.text));

describe("outputView", () => {
  it("escapes every character that could make markup", () => {
    const text = `<script>alert(1)</script>\n<img src=x onerror="alert('2')"> & done\n`;
    expect(htmlOf([{ stream: "stdout", text }])).toEqual([
      "&lt;script&gt;alert(1)&lt;/script&gt;\n&lt;img src=x onerror=&quot;alert(&#x27;2&#x27;)&quot;&gt; &amp; done\n",
    ]);
  });

  it("draws the 16 ANSI colours as classes and bold as a style, text escaped inside", () => {
    const text = `${ESC}[32mok${ESC}[0m ${ESC}[1;31m<b>not ok</b>${ESC}[0m\n`;
    expect(htmlOf([{ stream: "stdout", text }])).toEqual([
      '<span class="ansi-green-fg">ok</span> <span style="font-weight:bold" class="ansi-red-fg">&lt;b&gt;not ok&lt;/b&gt;</span>\n',
    ]);
  });

  it("keeps a colour across the pieces of one stream, not into another", () => {
    const view = outputView(
      out([
        { stream: "stdout", text: `${ESC}[33mwarn` },
        { stream: "stdout", text: "ing\n" },
        { stream: "stderr", text: "plain\n" },
      ]),
    );
    expect(view.parts).toEqual([
      {
        kind: "text",
        stream: "stdout",
        html: '<span class="ansi-yellow-fg">warn</span><span class="ansi-yellow-fg">ing\n</span>',
      },
      { kind: "text", stream: "stderr", html: "plain\n" },
    ]);
  });

  it("turns no terminal hyperlink of another scheme than http(s) into a link", () => {
    const link = (url: string) => `${ESC}]8;;${url}${ESC}\\here${ESC}]8;;${ESC}\\`;
    const [html] = htmlOf([
      { stream: "stdout", text: `${link("javascript:alert(1)")} ${link("https://ci.example/1")}` },
    ]);
    expect(html).not.toContain("javascript");
    expect(html).toContain('<a href="https://ci.example/1">here</a>');
  });

  it("prefixes each line of a service's log with its name, as the raw text does", () => {
    const view = outputView(out([{ stream: "service db", text: "ready\nlistening\n" }]));
    expect(view.parts).toEqual([
      { kind: "text", stream: "service", html: "[service db] ready\n[service db] listening\n" },
    ]);
  });

  it("marks where the middle was dropped, between the head and the tail", () => {
    const view = outputView(
      out([{ stream: "stdout", text: "first\n" }], [{ stream: "stdout", text: "last\n" }], 123_456),
    );
    expect(view.parts.map((p) => p.kind)).toEqual(["text", "dropped", "text"]);
    expect(view.parts[1]).toEqual({
      kind: "dropped",
      text: "… 123,456 bytes of output dropped here (the first and last parts are kept) …",
    });
    expect(view).toMatchObject({ droppedBytes: 123_456, empty: false });
  });

  it("is empty for a run with no output", () => {
    expect(outputView(undefined)).toEqual({
      parts: [],
      totalBytes: 0,
      droppedBytes: 0,
      empty: true,
    });
  });
});
