import { describe, expect, it } from "vitest";
import { composeContainerOptions } from "../../../src/docker/compose-container-options.js";
import { readComposeFile } from "../../../src/testing/read-compose-file.js";

const owner = { runId: "01HRUN", instanceId: "0123456789abcdef", attempt: 1 };
const [read] = readComposeFile(
  `services:
  db:
    image: postgres:16
    user: postgres
    environment: { POSTGRES_PASSWORD: test, IMAGE_NAME: mine }
    labels: { com.example: yes }
    healthcheck: { test: pg_isready, interval: 200ms, retries: 5 }
    volumes: [data:/var/lib/postgresql/data, /scratch, "data:/ro:ro"]
    tmpfs: [/run]
    expose: [5432]
    container_name: database
    init: true
    stop_grace_period: 2s
volumes: { data: }
`,
  "f.yml",
  {},
).services;

if (!read) throw new Error("the file has a service");
const service = read;

const lockdown = { readOnly: false, tmpfs: [] };

describe("a Compose service as a container", () => {
  const options = composeContainerOptions({
    lockdown,
    owner,
    name: "pushgate-01hrun-1-c0-db",
    service,
    imageId: "sha256:abc",
    env: { IMAGE_NAME: "acme/web:v1", DOCKER_TAG: "v1" },
    network: "pushgate-01hrun-1-c0-net",
    volumes: new Map([
      ["data", "pushgate-01hrun-1-c0-vol0"],
      ["anonymous:1", "pushgate-01hrun-1-c0-vol1"],
    ]),
    resources: { memoryBytes: 256 * 1024 * 1024, cpus: 0.5, pids: 128 },
  });

  it("is locked down like every test container, with the run's labels", () => {
    expect(options.HostConfig).toMatchObject({
      NetworkMode: "pushgate-01hrun-1-c0-net",
      Privileged: false,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      Memory: 256 * 1024 * 1024,
      MemorySwap: 256 * 1024 * 1024,
      NanoCpus: 500_000_000,
      PidsLimit: 128,
      Init: true,
    });
    expect(options.Labels).toEqual({
      "com.example": "yes",
      "pushgate.run": "01HRUN",
      "pushgate.instance": "0123456789abcdef",
      "pushgate.role": "compose",
      "pushgate.compose.service": "db",
    });
  });

  it("mounts only the run's own volumes, and maps the service's keys to Docker's", () => {
    expect(options.HostConfig?.Binds).toEqual([
      "pushgate-01hrun-1-c0-vol0:/var/lib/postgresql/data:rw",
      "pushgate-01hrun-1-c0-vol1:/scratch:rw",
      "pushgate-01hrun-1-c0-vol0:/ro:ro",
    ]);
    expect(options.HostConfig?.Tmpfs).toEqual({ "/run": "" });
    expect(options).toMatchObject({
      Image: "sha256:abc",
      User: "postgres",
      ExposedPorts: { "5432/tcp": {} },
      StopTimeout: 2,
      Healthcheck: { Test: ["CMD-SHELL", "pg_isready"], Interval: 200_000_000, Retries: 5 },
      NetworkingConfig: {
        EndpointsConfig: { "pushgate-01hrun-1-c0-net": { Aliases: ["db", "database"] } },
      },
    });
    // The file's own environment wins over Autotest's variables.
    expect(options.Env).toEqual(["IMAGE_NAME=mine", "DOCKER_TAG=v1", "POSTGRES_PASSWORD=test"]);
  });
});

describe("the pipeline's lockdown over a Compose service", () => {
  it("applies test.runtime, test.user, test.readOnly and test.tmpfs over the file's own", () => {
    const options = composeContainerOptions({
      owner,
      name: "pushgate-01hrun-1-c0-db",
      service,
      imageId: "sha256:abc",
      env: {},
      network: "pushgate-01hrun-1-c0-net",
      volumes: new Map(),
      resources: { memoryBytes: 256 * 1024 * 1024, cpus: 0.5, pids: 128 },
      lockdown: {
        runtime: "runsc",
        readOnly: true,
        user: "65534:65534",
        tmpfs: [
          { path: "/tmp", sizeBytes: 64 * 1024 ** 2 },
          { path: "/run", sizeBytes: 8 * 1024 ** 2 },
        ],
      },
    });
    // The file says user: postgres; the pipeline's user wins.
    expect(options.User).toBe("65534:65534");
    expect(options.HostConfig).toMatchObject({
      Runtime: "runsc",
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
      Tmpfs: {
        "/tmp": `rw,nosuid,nodev,size=${64 * 1024 ** 2},mode=1777`,
        // The file mounts /run too: the pipeline's size cap wins.
        "/run": `rw,nosuid,nodev,size=${8 * 1024 ** 2},mode=1777`,
      },
    });
    expect(options.HostConfig?.CapAdd).toBeUndefined();
  });
});
