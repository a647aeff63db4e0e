import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type Dockerode from "dockerode";
import { deferModule } from "../defer-module.js";

const require = createRequire(import.meta.url);

let loaded: typeof Dockerode | undefined;

/**
 * The Dockerode class, without what it loads for features pushgate never uses until they
 * are used: BuildKit sessions (gRPC and protobuf, for `buildImage` with version 2) and
 * engines over SSH (ssh2), about 20 MB of the process's memory together.
 */
export function loadDockerode(): typeof Dockerode {
  if (loaded) return loaded;
  const dockerode = require.resolve("dockerode");
  const modem = createRequire(dockerode).resolve("docker-modem");
  deferModule(require, join(dirname(dockerode), "session.js"));
  deferModule(require, join(dirname(modem), "ssh.js"));
  loaded = require("dockerode") as typeof Dockerode;
  return loaded;
}
