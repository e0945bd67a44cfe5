/**
 * Finds the redis-server that the job-engine tests run, and installs Debian's when there is none
 * and this process may (root on Debian), as chromium.ts does for the browser tests. Never skips:
 * without a server the caller gets one line saying what to install. `startRedisServer` runs a
 * private server for one test file: on 127.0.0.1, a free port, no persistence, in a temporary
 * folder.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { aptInstall, canInstallWithApt, isExecutable, withInstallLock } from "./debian-install.js";

/** The environment variable that names a redis-server executable explicitly. */
export const REDIS_SERVER_ENV = "TT_REDIS_SERVER";

/** Debian's redis-server. */
const DEBIAN_REDIS_SERVER = "/usr/bin/redis-server";

/**
 * The redis-server to run, or undefined: `$TT_REDIS_SERVER` when set (it must exist), else
 * Debian's `/usr/bin/redis-server`, else the first on the PATH.
 */
export function findRedisServer(): string | undefined {
  const explicit = process.env[REDIS_SERVER_ENV];
  if (explicit) {
    if (!isExecutable(explicit))
      throw new Error(`${REDIS_SERVER_ENV}=${explicit} is not an executable file`);
    return explicit;
  }
  const onPath = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((folder) => folder !== "")
    .map((folder) => join(folder, "redis-server"));
  return [DEBIAN_REDIS_SERVER, ...onPath].find(isExecutable);
}

/**
 * The redis-server to run: found as {@link findRedisServer} does, or installed from Debian's
 * packages (`apt-get install redis-server`) when none is found and this process is root on
 * Debian. Throws one line saying what to install otherwise.
 */
export function ensureRedisServer(log: (line: string) => void = () => {}): string {
  const found = findRedisServer();
  if (found !== undefined) return found;
  if (!canInstallWithApt()) {
    throw new Error(
      `no redis-server for the job-engine tests: install Debian's (apt-get install redis-server) ` +
        `or set ${REDIS_SERVER_ENV} to a redis-server executable`,
    );
  }
  const installed = withInstallLock(() => {
    // Another test process may have installed it while this one waited.
    const meanwhile = findRedisServer();
    if (meanwhile !== undefined) return meanwhile;
    log("no redis-server found: installing Debian's redis-server package");
    const started = Date.now();
    aptInstall("redis-server");
    log(`installed redis-server in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return findRedisServer();
  });
  if (installed === undefined)
    throw new Error(`apt-get installed redis-server, but ${DEBIAN_REDIS_SERVER} is still missing`);
  return installed;
}

/** A redis-server started by {@link startRedisServer}. */
export interface RedisServer {
  /** Where it listens, `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The server's process, e.g. to kill it in a test of a lost connection. */
  readonly process: ChildProcess;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves once the server says it accepts connections; rejects with its output if it exits. */
function untilReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`redis-server did not start within 10 s:\n${output}`));
    }, 10_000);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        child.stdout?.removeListener("data", collect);
        resolve();
      }
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${signal ?? code}) while starting:\n${output}`));
    });
  });
}

/** Sends SIGTERM and waits for the process to exit (SIGKILL after 5 s). */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/**
 * Starts a private redis-server for a test file (installing Debian's first if need be, see
 * {@link ensureRedisServer}): `--port <free> --bind 127.0.0.1 --save '' --appendonly no`, in a
 * temporary folder. Tries another port if the one it picked was taken meanwhile.
 *
 * @example
 * ```ts
 * let redis: RedisServer;
 * beforeAll(async () => { redis = await startRedisServer((line) => console.log(line)); }, 600_000);
 * afterAll(() => redis.stop());
 * ```
 */
export async function startRedisServer(
  log: (line: string) => void = () => {},
): Promise<RedisServer> {
  const executable = ensureRedisServer(log);
  const folder = mkdtempSync(join(tmpdir(), "tt-redis-"));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly"];
    const child = spawn(executable, [...args, "no", "--dir", folder], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      await untilReady(child);
    } catch (error) {
      lastError = error;
      continue;
    }
    // Keep draining its output so a chatty server never blocks on a full pipe.
    child.stdout?.resume();
    child.stderr?.resume();
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      process: child,
      async stop() {
        await stopProcess(child);
        rmSync(folder, { recursive: true, force: true });
      },
    };
  }
  rmSync(folder, { recursive: true, force: true });
  throw lastError;
}
