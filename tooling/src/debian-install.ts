/**
 * Installing a Debian package from a test, for the programs the tests need (Chromium, Redis):
 * only as root on Debian, once across parallel test processes.
 */

import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Whether `path` is a file this process may execute. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether this process may install Debian packages: root on Debian with apt-get. */
export function canInstallWithApt(): boolean {
  return (
    process.getuid?.() === 0 &&
    existsSync("/etc/debian_version") &&
    isExecutable("/usr/bin/apt-get")
  );
}

/**
 * Runs `install` while holding the tests' install lock, so parallel test processes install one
 * package at a time (apt-get refuses to run twice at once) and each package once: `install`
 * should first look again for what another process may have installed while this one waited.
 */
export function withInstallLock<T>(install: () => T): T {
  const lock = join(tmpdir(), "tt-apt-install.lock");
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; ; waited += 500) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 600_000) throw new Error(`waited 10 minutes for ${lock}; remove it if stale`);
      Atomics.wait(sleeper, 0, 0, 500);
    }
  }
  try {
    return install();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * `apt-get update`, then `apt-get install -y --no-install-recommends <pkg>`, quietly; waits up to
 * 10 minutes for another apt (outside the tests) to release dpkg's lock.
 */
export function aptInstall(pkg: string): void {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const wait = ["-o", "DPkg::Lock::Timeout=600"];
  execFileSync("apt-get", [...wait, "update"], { stdio: "ignore", env });
  execFileSync("apt-get", [...wait, "install", "-y", "--no-install-recommends", pkg], {
    stdio: "ignore",
    env,
  });
}
