/**
 * Kills a writer at an exact step, as `kill -9` would: every write, sync, link, rename, mkdir
 * and removal of the file system tensortools uses is counted; at the chosen step the call does
 * half its work at most (a write leaves a torn prefix), then it and every later call fail, so
 * no cleanup of the dying writer runs. What is left on disk is what a crash leaves.
 */

import { writeFile } from "node:fs/promises";
import { type FileSystem, fileSystem } from "@tt/storage/fs";

/** The calls that change the disk: each is one crash point. */
const MUTATIONS = [
  "writeDurably",
  "rename",
  "link",
  "copyFile",
  "mkdir",
  "rm",
  "rmdir",
  "syncDirectory",
] as const;

/** The error a killed writer's calls fail with. */
export class Killed extends Error {
  constructor(step: number) {
    super(`killed at step ${step}`);
  }
}

type Functions = Record<string, (...args: unknown[]) => Promise<unknown>>;

/**
 * Runs `work` with the file system stopping at mutation `killAt` (1-based; `Infinity` lets it
 * finish) and resolves with the number of mutations it made and whether it was killed.
 */
export async function runKilledAt(
  killAt: number,
  work: () => Promise<unknown>,
): Promise<{ steps: number; killed: boolean }> {
  const original = { ...fileSystem } as unknown as Functions;
  const target = fileSystem as unknown as Functions;
  let steps = 0;
  let dead = false;
  for (const name of Object.keys(original)) {
    target[name] = async (...args: unknown[]) => {
      if (dead) throw new Killed(killAt);
      if ((MUTATIONS as readonly string[]).includes(name)) {
        steps++;
        if (steps === killAt) {
          dead = true;
          // A write that dies half way leaves a torn prefix of its bytes.
          if (name === "writeDurably") {
            const [path, bytes] = args as [string, Uint8Array];
            await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
          }
          throw new Killed(killAt);
        }
      }
      return original[name]!(...args);
    };
  }
  try {
    await work();
    // The kill came in a step whose failure the writer tolerates (removing an empty folder).
    return { steps, killed: dead };
  } catch (error) {
    if (dead) return { steps, killed: true };
    throw error;
  } finally {
    Object.assign(fileSystem as FileSystem, original);
  }
}

/** A process id that runs nowhere on this host: the pid a killed writer had. */
function deadPid(): number {
  for (let pid = 4_194_000; ; pid--) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ESRCH") return pid;
    }
  }
}

/**
 * Makes what a killed writer left look as it does after a real `kill -9`: its process is gone.
 * The writer records under `dir` (`.tt-writer.json`, `.tt-writers/*.json`, `.tt-lock`) name this
 * test's process, which still runs; they get a pid that runs nowhere.
 */
export async function buryWriters(dir: string): Promise<void> {
  const { readdir, readFile } = await import("node:fs/promises");
  const { join, basename } = await import("node:path");
  const pid = deadPid();
  for (const entry of await readdir(dir, { recursive: true })) {
    const path = join(dir, entry);
    const name = basename(path);
    const record =
      name === ".tt-writer.json" || name === ".tt-lock" || /^[0-9a-f]{6}\.json$/.test(name);
    if (!record) continue;
    try {
      const value = JSON.parse(await readFile(path, "utf8"));
      await writeFile(path, JSON.stringify({ ...value, pid }));
    } catch {
      // Torn by the kill: nothing to change.
    }
  }
}
