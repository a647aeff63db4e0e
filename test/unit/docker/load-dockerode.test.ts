import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const loader = new URL("../../../src/docker/load-dockerode.ts", import.meta.url).href;

/** Runs `body` in a fresh process (nothing loaded yet) with loadDockerode imported; its output. */
function inFreshProcess(body: string): string {
  const script = `
    import { createRequire } from "node:module";
    const { loadDockerode } = await import(${JSON.stringify(loader)});
    const require = createRequire(import.meta.url);
    const loaded = (name) => Object.keys(require.cache).some((path) => path.includes("/node_modules/" + name + "/"));
    ${body}`;
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", script],
    {
      encoding: "utf8",
      timeout: 20_000,
    },
  );
  if (child.status !== 0) throw new Error(child.stderr);
  return child.stdout.trim();
}

describe("loading dockerode", () => {
  it("leaves gRPC, protobuf and ssh2 unloaded, and Dockerode whole", () => {
    const out = inFreshProcess(`
      const Dockerode = loadDockerode();
      const docker = new Dockerode({ socketPath: "/nonexistent.sock" });
      console.log(JSON.stringify({
        grpc: loaded("@grpc/grpc-js"), protobuf: loaded("protobufjs"), ssh2: loaded("ssh2"),
        methods: ["createContainer", "pull", "getEvents", "buildImage"].every((m) => typeof docker[m] === "function"),
      }));`);
    expect(JSON.parse(out)).toEqual({ grpc: false, protobuf: false, ssh2: false, methods: true });
  });

  it("loads a deferred module when it is first called, and hands the call on", () => {
    const out = inFreshProcess(`
      loadDockerode();
      const sshPath = Object.keys(require.cache).find((path) => path.endsWith("/docker-modem/lib/ssh.js"));
      const agent = require(sshPath)({ host: "127.0.0.1" });
      console.log(JSON.stringify({ ssh2: loaded("ssh2"), agent: typeof agent.createConnection }));`);
    expect(JSON.parse(out)).toEqual({ ssh2: true, agent: "function" });
  });
});
