// A run's page while the run is unfinished: follows its output live from the log stream
// (Server-Sent Events), draws ANSI colours with ansi_up (which escapes every character of
// the text), shows each state change, and reloads the page once the run has ended so the
// verdict, timeline and actions show complete. Without this script the page shows the output
// so far.
import { AnsiUp } from "/static/vendor/ansi_up.js";

const box = document.getElementById("output");
const status = document.getElementById("live-status");
const stateMark = document.getElementById("run-state");
const labels = JSON.parse(document.querySelector("[data-labels]")?.dataset.labels ?? "{}");

const say = (text) => {
  if (status) status.textContent = text;
};

/** Where a piece of output goes: one span per run of the same stream, as the server draws it. */
function follow(url) {
  const renderers = new Map();
  let current;
  const streamKind = (stream) => (stream === "stdout" || stream === "stderr" ? stream : "service");
  const append = (stream, text) => {
    let renderer = renderers.get(stream);
    if (!renderer) {
      renderer = new AnsiUp();
      renderer.use_classes = true;
      renderers.set(stream, renderer);
    }
    const kind = streamKind(stream);
    const shown =
      kind === "service"
        ? text
            .split(/(?<=\n)/)
            .map((line) => `[${stream}] ${line}`)
            .join("")
        : text;
    if (!current || current.kind !== kind) {
      current = { kind, span: document.createElement("span") };
      current.span.className = kind;
      box.append(current.span);
    }
    const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 8;
    current.span.insertAdjacentHTML("beforeend", renderer.ansi_to_html(shown));
    if (atBottom) box.scrollTop = box.scrollHeight;
  };

  const source = new EventSource(url);
  // The stream starts with everything printed so far: what the server drew is replaced.
  source.addEventListener("open", () => {
    box.replaceChildren();
    renderers.clear();
    current = undefined;
    say("following live");
  });
  source.addEventListener("output", (event) => {
    const { stream, text } = JSON.parse(event.data);
    append(stream, text);
  });
  source.addEventListener("dropped", (event) => {
    const { bytes } = JSON.parse(event.data);
    const marker = document.createElement("span");
    marker.className = "dropped";
    marker.textContent = `… ${bytes.toLocaleString("en-US")} bytes of output dropped here (the first and last parts are kept) …`;
    box.append(marker);
    current = undefined;
  });
  source.addEventListener("state", (event) => {
    const label = labels[JSON.parse(event.data).state];
    if (!label || !stateMark) return;
    stateMark.className = `state tone-${label.tone}`;
    stateMark.querySelector(".mark").textContent = label.mark;
    stateMark.querySelector(".word").textContent = label.word;
  });
  // A form sent from this page (Cancel) brings its own page back: no reload to race it.
  let leaving = false;
  document.addEventListener("submit", () => {
    leaving = true;
  });
  source.addEventListener("end", () => {
    source.close();
    say("finished");
    if (!leaving) location.reload();
  });
  source.addEventListener("error", () => {
    say(
      source.readyState === EventSource.CLOSED
        ? "live output stopped: reload the page"
        : "connection lost, reconnecting…",
    );
  });
}

if (box?.dataset.follow) follow(box.dataset.follow);
