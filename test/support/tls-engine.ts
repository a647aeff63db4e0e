import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./ports.js";
import { tempDir } from "./test-config.js";

const run = promisify(execFile);

export interface TlsEngine {
  /** tcp://127.0.0.1:port */
  host: string;
  /** ca.pem, cert.pem and key.pem of a client the engine accepts, as DOCKER_CERT_PATH holds them. */
  certDir: string;
  log(): string;
  /** Stops the engine and removes everything it had (its containers, images and files). */
  stop(): Promise<void>;
}

/**
 * A second, real dockerd for one test file, listening only on a loopback TCP port with
 * --tlsverify and certificates made here with openssl: a CA, a server certificate for
 * 127.0.0.1, and a client certificate. It has its own data and exec roots, its own
 * containerd, a bridge of its own and no iptables rules, so the engine the suite shares is
 * untouched. Not --bridge=none: with it, dockerd deletes the default bridge interface,
 * docker0, which is the shared engine's. Needs root, as dockerd does.
 */
export async function startTlsEngine(): Promise<TlsEngine> {
  const dir = tempDir("pushgate-tls-engine-");
  const certDir = join(dir, "client");
  mkdirSync(certDir);
  await makeCertificates(dir, certDir);
  const port = await freePort();
  writeFileSync(join(dir, "daemon.json"), "{}\n");
  // At most 15 characters, as interface names are.
  const bridge = `pgtls${randomBytes(4).toString("hex")}`;
  await run("ip", ["link", "add", bridge, "type", "bridge"]);
  await run("ip", ["link", "set", bridge, "up"]);
  let output = "";
  const daemon: ChildProcess = spawn(
    "dockerd",
    [
      `--config-file=${join(dir, "daemon.json")}`,
      `--data-root=${join(dir, "data")}`,
      `--exec-root=${join(dir, "exec")}`,
      `--pidfile=${join(dir, "dockerd.pid")}`,
      `--host=tcp://127.0.0.1:${port}`,
      "--tlsverify",
      `--tlscacert=${join(dir, "ca.pem")}`,
      `--tlscert=${join(dir, "server-cert.pem")}`,
      `--tlskey=${join(dir, "server-key.pem")}`,
      `--bridge=${bridge}`,
      "--iptables=false",
      "--ip-masq=false",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  daemon.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  daemon.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => daemon.once("exit", () => resolve()));

  const stop = async (): Promise<void> => {
    if (daemon.exitCode === null && daemon.signalCode === null) daemon.kill("SIGTERM");
    await exited;
    await run("ip", ["link", "del", bridge]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  const client = {
    ca: readFileSync(join(certDir, "ca.pem")),
    cert: readFileSync(join(certDir, "cert.pem")),
    key: readFileSync(join(certDir, "key.pem")),
  };
  const deadline = Date.now() + 60_000;
  while (!(await pings(port, client))) {
    if (daemon.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the TLS dockerd did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { host: `tcp://127.0.0.1:${port}`, certDir, log: () => output, stop };
}

function pings(port: number, tls: { ca: Buffer; cert: Buffer; key: Buffer }): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/_ping", ...tls, timeout: 2000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, as Docker's TLS guide makes them. */
async function makeCertificates(dir: string, certDir: string): Promise<void> {
  const openssl = (args: string[]) => run("openssl", args, { cwd: dir });
  await openssl(["genrsa", "-out", "ca-key.pem", "2048"]);
  await openssl([
    "req",
    "-new",
    "-x509",
    "-days",
    "1",
    "-key",
    "ca-key.pem",
    "-sha256",
    "-subj",
    "/CN=pushgate test CA",
    "-out",
    "ca.pem",
  ]);
  const sign = async (name: string, subject: string, extensions: string) => {
    writeFileSync(join(dir, `${name}.ext`), extensions);
    await openssl(["genrsa", "-out", `${name}-key.pem`, "2048"]);
    await openssl([
      "req",
      "-new",
      "-key",
      `${name}-key.pem`,
      "-subj",
      subject,
      "-out",
      `${name}.csr`,
    ]);
    await openssl([
      "x509",
      "-req",
      "-days",
      "1",
      "-sha256",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca-key.pem",
      "-CAcreateserial",
      "-extfile",
      `${name}.ext`,
      "-out",
      `${name}-cert.pem`,
    ]);
  };
  await sign(
    "server",
    "/CN=127.0.0.1",
    "subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n",
  );
  await sign("client", "/CN=pushgate", "extendedKeyUsage = clientAuth\n");
  writeFileSync(join(certDir, "ca.pem"), readFileSync(join(dir, "ca.pem")));
  writeFileSync(join(certDir, "cert.pem"), readFileSync(join(dir, "client-cert.pem")));
  writeFileSync(join(certDir, "key.pem"), readFileSync(join(dir, "client-key.pem")));
}
