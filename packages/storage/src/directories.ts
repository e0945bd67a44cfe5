/**
 * Bundles as directories on Node: where a write may go, a new bundle created under a temporary
 * sibling and renamed into place, a whole bundle replaced by an exchange that a crash cannot
 * leave half done, and recovery of what a crashed writer left beside the bundle.
 */

import { randomBytes } from "node:crypto";
import { basename, dirname, join, resolve, sep } from "node:path";
import {
  AlreadyExistsError,
  ConfigError,
  DataError,
  NotFoundError,
  type WritableKeyValueStore,
} from "@tt/schema";
import { hostName, processAlive, processId } from "#platform";
import { createDirectoryStore } from "./stores/directory-store.js";
import { fileSystem as fs } from "./stores/file-system.js";

/** The file a writer leaves in its temporary directory while it writes. */
const WRITER_FILE = ".tt-writer.json";

/** What is at a path a bundle is to be written to. */
export type TargetState =
  | { kind: "absent" }
  | { kind: "empty" }
  | { kind: "bundle"; manifest: unknown }
  | { kind: "other"; reason: string };

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * The absolute path a bundle may be written to: not empty, not the current directory and not a
 * directory that contains it (a bundle write replaces what is there).
 */
export function writeTarget(path: string, option = "path"): string {
  if (typeof path !== "string" || path.trim() === "")
    throw new ConfigError(option, "is empty: name the directory to write the bundle to");
  const target = resolve(path);
  const here = process.cwd();
  if (target === here || here.startsWith(target.endsWith(sep) ? target : target + sep))
    throw new ConfigError(
      option,
      `'${path}' is ${target === here ? "the current directory" : `a directory that contains the current directory`} (${target}); write the bundle to a directory of its own`,
    );
  return target;
}

/** What is at `target`: nothing, an empty directory, a bundle (with its manifest), or other. */
export async function inspectTarget(
  target: string,
  manifestKey = "manifest.json",
): Promise<TargetState> {
  let info: Awaited<ReturnType<typeof fs.lstat>>;
  try {
    info = await fs.lstat(target);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return { kind: "absent" };
    throw error;
  }
  if (info.isSymbolicLink()) return { kind: "other", reason: "is a symbolic link" };
  if (!info.isDirectory()) return { kind: "other", reason: "is a file" };
  const entries = await fs.readdir(target);
  if (entries.length === 0) return { kind: "empty" };
  if (!entries.includes(manifestKey))
    return {
      kind: "other",
      reason: `is a folder of other files (${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", ..." : ""})`,
    };
  try {
    return {
      kind: "bundle",
      manifest: JSON.parse(await fs.readFile(join(target, manifestKey), "utf8")),
    };
  } catch (error) {
    return {
      kind: "other",
      reason: `holds a ${manifestKey} that is not JSON (${(error as Error).message})`,
    };
  }
}

/** Creates `directory` and any missing parents, one level at a time. */
async function makeDirectories(directory: string): Promise<void> {
  const missing: string[] = [];
  for (let dir = directory; ; dir = dirname(dir)) {
    try {
      const info = await fs.stat(dir);
      if (!info.isDirectory())
        throw new DataError(dir, "is a file, so no directory can be made in it");
      break;
    } catch (error) {
      if (errorCode(error) !== "ENOENT") throw error;
      missing.push(dir);
      if (dirname(dir) === dir) break;
    }
  }
  for (const dir of missing.reverse()) {
    try {
      await fs.mkdir(dir);
    } catch (error) {
      if (errorCode(error) !== "EEXIST") throw error;
    }
  }
}

/** The siblings a writer of `target` uses: `.<name>.tt-writing-<token>` and `.<name>.tt-replaced-<token>`. */
function siblings(target: string, token: string) {
  const stem = join(dirname(target), `.${basename(target)}`);
  return { writing: `${stem}.tt-writing-${token}`, replaced: `${stem}.tt-replaced-${token}` };
}

async function exists(path: string): Promise<boolean> {
  return fs.lstat(path).then(
    () => true,
    () => false,
  );
}

/** Whether the writer that owns temporary directory `dir` still runs. */
async function writerRuns(dir: string): Promise<boolean> {
  let record: { pid?: number; host?: string };
  try {
    record = JSON.parse(await fs.readFile(join(dir, WRITER_FILE), "utf8"));
  } catch {
    return false;
  }
  return (
    record.host === hostName() &&
    typeof record.pid === "number" &&
    processAlive(record.pid) !== false
  );
}

/**
 * Finishes or undoes what a crashed writer left beside `target`: an exchange interrupted
 * between its two renames is completed when the new bundle was whole and undone otherwise, and
 * the temporary directories of writers that no longer run are removed. Returns what it did.
 */
export async function recoverDirectory(target: string): Promise<string[]> {
  const parent = dirname(target);
  const prefix = `.${basename(target)}.tt-`;
  let names: string[];
  try {
    names = (await fs.readdir(parent)).filter((name) => name.startsWith(prefix));
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return [];
    throw error;
  }
  const done: string[] = [];
  const replaced = names.filter((name) => name.startsWith(`${prefix}replaced-`));
  if (replaced.length > 0 && !(await exists(target))) {
    const token = replaced[0]!.slice(`${prefix}replaced-`.length);
    const { writing } = siblings(target, token);
    const whole =
      (await exists(join(writing, "manifest.json"))) && !(await exists(join(writing, WRITER_FILE)));
    const from = whole ? writing : join(parent, replaced[0]!);
    await fs.rename(from, target);
    await fs.syncDirectory(parent);
    done.push(whole ? `completed the replacement of ${target}` : `restored ${target}`);
  }
  for (const name of (await fs.readdir(parent)).filter((n) => n.startsWith(prefix))) {
    const path = join(parent, name);
    const stale = name.startsWith(`${prefix}replaced-`) || !(await writerRuns(path));
    if (!stale) continue;
    await fs.rm(path, { recursive: true, force: true });
    done.push(`removed ${path}`);
  }
  return done;
}

/** Writes into a fresh temporary sibling of `target`; removes it when `write` fails. */
async function writeSibling<T>(
  target: string,
  token: string,
  write: (store: WritableKeyValueStore, directory: string) => Promise<T>,
): Promise<{ value: T; directory: string }> {
  await makeDirectories(dirname(target));
  const { writing } = siblings(target, token);
  await fs.mkdir(writing);
  try {
    const owner = JSON.stringify({ pid: processId(), host: hostName(), started: Date.now() });
    await fs.writeDurably(join(writing, WRITER_FILE), new TextEncoder().encode(owner));
    const value = await write(createDirectoryStore(writing), writing);
    await fs.rm(join(writing, WRITER_FILE));
    await fs.syncDirectory(writing);
    return { value, directory: writing };
  } catch (error) {
    await fs.rm(writing, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Creates a new bundle directory at `target` (absent, or an empty directory): `write` fills a
 * temporary sibling, which is renamed into place when it resolves, so a crash leaves nothing at
 * `target` (and a temporary directory that the next write removes), never half a bundle.
 */
export async function createDirectory<T>(
  target: string,
  write: (store: WritableKeyValueStore, directory: string) => Promise<T>,
): Promise<T> {
  await recoverDirectory(target);
  const token = randomBytes(6).toString("hex");
  const { value, directory } = await writeSibling(target, token, write);
  try {
    await fs.rename(directory, target);
  } catch (error) {
    await fs.rm(directory, { recursive: true, force: true });
    if (["ENOTEMPTY", "EEXIST", "ENOTDIR", "EISDIR"].includes(errorCode(error) ?? ""))
      throw new AlreadyExistsError(
        target,
        `${target} appeared while the bundle was written; nothing was replaced`,
        { cause: error },
      );
    throw error;
  }
  await fs.syncDirectory(dirname(target));
  return value;
}

/**
 * Replaces the bundle directory at `target` with a new one that `write` fills: the new bundle is
 * written whole beside it, then the two are exchanged by two renames. A crash between them is
 * completed (or undone) by {@link recoverDirectory}, which every reader and writer of `target`
 * runs first, so `target` holds the old bundle or the new one.
 */
export async function replaceDirectory<T>(
  target: string,
  write: (store: WritableKeyValueStore, directory: string) => Promise<T>,
): Promise<T> {
  await recoverDirectory(target);
  if (!(await exists(target))) throw new NotFoundError(target, `no bundle at ${target} to replace`);
  const token = randomBytes(6).toString("hex");
  const { value, directory } = await writeSibling(target, token, write);
  const { replaced } = siblings(target, token);
  await fs.rename(target, replaced);
  await fs.rename(directory, target);
  await fs.syncDirectory(dirname(target));
  await fs.rm(replaced, { recursive: true, force: true });
  return value;
}
