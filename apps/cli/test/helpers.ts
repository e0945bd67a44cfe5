/** Running the built `tt` binary in a child process, as users do. */

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect } from "vitest";

/** The built executable; `pnpm test` builds it before the tests run. */
export const BIN = resolve(import.meta.dirname, "../dist/tt.js");
export const FIXTURES = resolve(import.meta.dirname, "../../../fixtures");

/** What a run printed and how it ended. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `tt ...args` to completion in `cwd`, in this environment with `env` added; `TT_CATALOG` is
 * set only when `env` sets it, so that no test records runs in a catalog by accident.
 */
export function tt(args: string[], cwd = tmpdir(), env: NodeJS.ProcessEnv = {}): Promise<Run> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build apps/cli first (pnpm build)`);
  const { TT_CATALOG: _ignored, ...inherited } = process.env;
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, maxBuffer: 1 << 26, env: { ...inherited, ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** Starts `tt ...args` and leaves it running. */
export function ttStart(args: string[], cwd = tmpdir()): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
}

const made: string[] = [];

/** A fresh temporary directory, removed by {@link removeTempDirs}. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tt-cli-"));
  made.push(dir);
  return dir;
}

/** Removes the directories {@link tempDir} made. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes the small demo (a dataset of 2 recordings x 20 events and its PCA) into `path`. */
export async function writeSmallDemo(path: string): Promise<void> {
  const demo = await tt(["demo", path, "--recordings", "2", "--events", "20", "-q"]);
  if (demo.code !== 0) throw new Error(`tt demo failed (${demo.code}): ${demo.stderr}`);
}

/** A copy at `to` of the demo folder `from`: the paths of its dataset and its PCA result. */
export function copyDemo(from: string, to: string): { dataset: string; result: string } {
  cpSync(from, to, { recursive: true });
  return { dataset: join(to, "dataset"), result: join(to, "pca") };
}

/** The version a bundle's manifest.json names. */
export function versionOf(dataset: string): number {
  return JSON.parse(readFileSync(join(dataset, "manifest.json"), "utf8")).version;
}

/**
 * Starts `tt ...args`, waits for `moment` (given the running child), kills it with SIGKILL and
 * checks with `tt verify` that `dataset` is whole: the version the bundle is at afterwards.
 */
export async function killAndVerify(
  args: string[],
  dataset: string,
  moment: (child: ChildProcess) => Promise<unknown>,
): Promise<number> {
  const child = ttStart(args);
  const exit = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  await moment(child);
  child.kill("SIGKILL");
  await exit;
  const verify = await tt(["verify", dataset, "--json"]);
  expect(verify.code, verify.stderr).toBe(0);
  expect(JSON.parse(verify.stdout).whole).toBe(true);
  return versionOf(dataset);
}

/** Resolves after `ms` milliseconds. */
export function after(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Writes `data` as a C-order little-endian .npy file of `shape` (float32 or float64, as `data`). */
export function writeNpyFile(
  path: string,
  data: Float32Array | Float64Array,
  shape: readonly number[],
): void {
  const descr = data instanceof Float32Array ? "<f4" : "<f8";
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(", ")},), }`;
  header += " ".repeat(64 - ((10 + header.length + 1) % 64)) + "\n";
  const prefix = new Uint8Array(10);
  prefix.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(prefix.buffer).setUint16(8, header.length, true);
  const bytes = new Uint8Array(10 + header.length + data.byteLength);
  bytes.set(prefix);
  bytes.set(new TextEncoder().encode(header), 10);
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  writeFileSync(path, bytes);
}
