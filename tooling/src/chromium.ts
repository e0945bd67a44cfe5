/**
 * Finds the Chromium that the browser tests drive, and installs Debian's when there is none and
 * this process may (root on Debian). Never skips: without a browser the caller gets one line
 * saying what to install.
 */

import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { aptInstall, canInstallWithApt, isExecutable, withInstallLock } from "./debian-install.js";

/** The environment variable that names a Chromium (or Chrome) executable explicitly. */
export const CHROMIUM_ENV = "TT_CHROMIUM";

/** Debian's Chromium. */
const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/** Chromium builds in playwright's browser cache, newest first. */
function playwrightBrowsers(): string[] {
  const cache = process.env.PLAYWRIGHT_BROWSERS_PATH || join(homedir(), ".cache", "ms-playwright");
  if (!existsSync(cache)) return [];
  return readdirSync(cache)
    .filter((name) => /^chromium(_headless_shell)?-\d+$/.test(name))
    .sort((a, b) => Number(b.split("-").pop()) - Number(a.split("-").pop()))
    .flatMap((name) => [
      join(cache, name, "chrome-linux", "chrome"),
      join(cache, name, "chrome-linux", "headless_shell"),
      join(cache, name, "chrome-headless-shell-linux64", "chrome-headless-shell"),
    ]);
}

/**
 * The Chromium to use, or undefined: `$TT_CHROMIUM` when set (it must exist), else Debian's
 * `/usr/bin/chromium`, else the newest in playwright's cache.
 */
export function findChromium(): string | undefined {
  const explicit = process.env[CHROMIUM_ENV];
  if (explicit) {
    if (!isExecutable(explicit))
      throw new Error(`${CHROMIUM_ENV}=${explicit} is not an executable file`);
    return explicit;
  }
  return [DEBIAN_CHROMIUM, ...playwrightBrowsers()].find(isExecutable);
}

/**
 * The Chromium to drive: found as {@link findChromium} does, or installed from Debian's packages
 * when none is found and this process is root on Debian. Throws one line saying what to install
 * otherwise.
 */
export function ensureChromium(log: (line: string) => void = () => {}): string {
  const found = findChromium();
  if (found !== undefined) return found;
  if (!canInstallWithApt()) {
    throw new Error(
      `no Chromium for the browser tests: install Debian's (apt-get install chromium) or set ` +
        `${CHROMIUM_ENV} to a Chromium or Chrome executable`,
    );
  }
  const installed = withInstallLock(() => {
    // Another test process may have installed it while this one waited.
    const meanwhile = findChromium();
    if (meanwhile !== undefined) return meanwhile;
    log("no Chromium found: installing Debian's chromium package (apt-get install chromium)");
    aptInstall("chromium");
    return findChromium();
  });
  if (installed === undefined)
    throw new Error(`apt-get installed chromium, but ${DEBIAN_CHROMIUM} is still missing`);
  return installed;
}

/**
 * The flags the tests start Chromium with: headless, no sandbox (tests may run as root), and
 * none of its background connections (the test machines have no internet).
 */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
