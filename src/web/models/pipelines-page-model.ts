import { describeAction } from "../../actions/plan-actions-of.js";
import type { PipelineConfig } from "../../config/config.js";
import type { QueueStatus } from "../../http/routes/run-steering.js";
import type { RunRecord } from "../../store/run-store.js";
import { describeDuration } from "./describe-duration.js";
import { runRow, type RunRow } from "./run-row.js";

export interface PipelineView {
  name: string;
  match: { repositories: string[]; tags: string[]; sources: string[] | null };
  test: {
    /** The test's command as a shell would read it; null when the image says. */
    command: string | null;
    /** The Compose test files the pipeline names, run one after the other. */
    compose: string[];
    timeout: string;
    network: string;
    resources: string;
    services: string[];
  };
  /** Actions per verdict that has any: on success, on failure, on error. */
  actions: { when: string; items: { kind: string; target: string }[] }[];
  callback: boolean;
  concurrency: string;
  supersede: string;
  /** The badge's path, and the Markdown for a README once publicUrl gives its address. */
  badge: { href: string; markdown: string | null } | null;
  /** Its latest runs, newest first. */
  recent: RunRow[];
}

export interface PipelinesPage {
  queue: QueueStatus;
  pipelines: PipelineView[];
  notice: string | null;
}

const NOTICES = new Map<string, string>(
  Object.entries({
    paused: "Paused: no new test starts until the queue is resumed. Pushes are still queued.",
    resumed: "Resumed: queued runs start again.",
  }),
);

/** The pipelines page: each configured pipeline, its latest runs, and the queue. */
export function pipelinesPageModel(input: {
  pipelines: readonly PipelineConfig[];
  recent: ReadonlyMap<string, readonly RunRecord[]>;
  queue: QueueStatus;
  publicUrl?: string;
  notice?: string;
  now: Date;
}): PipelinesPage {
  const base = input.publicUrl?.replace(/\/+$/, "");
  return {
    queue: input.queue,
    notice: (input.notice !== undefined && NOTICES.get(input.notice)) || null,
    pipelines: input.pipelines.map((pipeline) => ({
      name: pipeline.name,
      match: {
        repositories: pipeline.match.repositories,
        tags: pipeline.match.tags,
        sources: pipeline.match.sources ?? null,
      },
      test: testView(pipeline.test),
      actions: (
        [
          ["on success", pipeline.on.success],
          ["on failure", pipeline.on.failure],
          ["on error", pipeline.on.error],
        ] as const
      )
        .filter(([, actions]) => actions.length > 0)
        .map(([when, actions]) => ({ when, items: actions.map(describeAction) })),
      callback: pipeline.callback,
      concurrency:
        pipeline.concurrency === undefined
          ? "within docker.concurrency"
          : `${pipeline.concurrency} at a time`,
      supersede:
        pipeline.supersede === false
          ? "never"
          : pipeline.supersede === "queued"
            ? "queued runs of an image pushed again"
            : "queued and running runs of an image pushed again",
      badge: pipeline.badge
        ? {
            href: `/badges/${pipeline.name}.svg`,
            markdown: base ? `![${pipeline.name}](${base}/badges/${pipeline.name}.svg)` : null,
          }
        : null,
      recent: (input.recent.get(pipeline.name) ?? []).map((run) => runRow(run, input.now)),
    })),
  };
}

function testView(test: PipelineConfig["test"]): PipelineView["test"] {
  const { memoryBytes, cpus, pids } = test.resources;
  return {
    command: test.command ? test.command.map(shellWord).join(" ") : null,
    compose: (test.compose ?? []).map((file) => file.path),
    timeout: describeDuration(test.timeoutMs),
    network: test.network === "none" ? "none" : test.network,
    resources: `${formatBytes(memoryBytes)} memory, ${cpus} CPU, ${pids} processes`,
    services: test.services.map((service) => `${service.name} (${service.image})`),
  };
}

/** An argv word as a shell reader expects it: quoted when it holds spaces or quotes. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : JSON.stringify(word);
}

function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1 && value % 1024 === 0) {
    value /= 1024;
    unit += 1;
  }
  return `${value} ${units[unit]}`;
}
