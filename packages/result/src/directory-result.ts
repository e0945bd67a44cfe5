/** Results in local directories: written under a temporary name and renamed into place. */

import { readdir, readFile } from "node:fs/promises";
import { basename, dirname, join, resolve, sep } from "node:path";
import { openStoredDataset } from "@tt/bundle/fs";
import {
  AlreadyExistsError,
  ConfigError,
  type DecompositionResult,
  isTensorToolsError,
  NotFoundError,
  type TensorView,
  type WritableKeyValueStore,
} from "@tt/schema";
import { createHttpStore, sameBytes } from "@tt/storage";
import {
  createDirectory,
  createDirectoryStore,
  inspectTarget,
  pathExists,
  recoverDirectory,
  replaceDirectory,
  writeTarget,
} from "@tt/storage/fs";
import type { ResultBundleOptions } from "./layout.js";
import { openResultBundle } from "./open-result.js";
import { type ReopenInputOptions, reopenInput as reopenWith } from "./reopen-input.js";
import { RESULT_KIND, type ResultManifest, validateResultManifest } from "./result-manifest.js";
import { writeResultBundle } from "./write-result.js";

/** Options of {@link writeResult}. */
export interface WriteResultOptions extends ResultBundleOptions {
  /** Replace a result already at the path. */
  overwrite?: boolean;
}

/**
 * A result made while it is written: called with the location of the store the bundle is being
 * written in (for a directory, the temporary sibling that becomes the result), so that the
 * workers of a split fit write the parts of their tables there (`writtenTables`).
 */
export type ResultProducer = (location: string) => Promise<DecompositionResult>;

/** The result itself, or the one `produce` makes in the store being written. */
async function resultIn(
  store: WritableKeyValueStore,
  produce: DecompositionResult | ResultProducer,
  target: string,
): Promise<DecompositionResult> {
  if (typeof produce !== "function") return produce;
  const result = await produce(store.location);
  checkNotInput(target, result);
  return result;
}

/** Refuses a target that is the result's own input dataset, or a directory that contains it. */
function checkNotInput(target: string, result: DecompositionResult): void {
  const location = result.inputRef.dataset?.location;
  if (location === undefined || /^https?:\/\//i.test(location)) return;
  const input = resolve(location);
  if (input === target || input.startsWith(target + sep))
    throw new ConfigError(
      "path",
      `${target} ${input === target ? "is" : "contains"} the dataset this result was computed from (${input}); write the result elsewhere`,
    );
}

/**
 * Writes `result` as a result bundle at directory `path`. A new result (nothing at the path, or
 * an empty directory) is written to a temporary sibling and renamed into place. With
 * `overwrite`, a result at the path is replaced whole: the new one is written beside it and the
 * two are exchanged, and a crash in between is completed or undone by the next reader or writer,
 * so the path holds the old result or the new one. Anything else at the path (a dataset, a folder
 * of other files, the result's own input) is refused.
 *
 * Instead of a result, `result` may be a function that makes it: it is called, once the path has
 * been checked, with the location of the directory the bundle is being written in, so a split fit
 * whose workers write the parts of its instance table there runs inside the atomic write. When
 * it throws, nothing is left behind, as with any failed write.
 *
 * @example
 * ```ts
 * await writeResult("./results/pca-eeg", result);
 * await writeResult("./results/pca-split", (location) => fitWritingPartsTo(location));
 * ```
 */
export async function writeResult(
  path: string,
  result: DecompositionResult | ResultProducer,
  options: WriteResultOptions = {},
): Promise<ResultManifest> {
  const target = writeTarget(path);
  if (typeof result !== "function") checkNotInput(target, result);
  await recoverDirectory(target);
  const state = await inspectTarget(target);
  if (state.kind === "absent" || state.kind === "empty")
    return createDirectory(target, async (store) =>
      writeResultBundle(store, await resultIn(store, result, target), options),
    );
  if (state.kind === "other")
    throw new AlreadyExistsError(
      target,
      `${target} ${state.reason}; a result is written only to a new or empty directory, or over a result`,
    );
  const kind = (state.manifest as { kind?: unknown } | null)?.kind;
  if (kind !== RESULT_KIND)
    throw new AlreadyExistsError(
      target,
      `${target} holds ${kind === undefined || kind === "tensortools.dataset" ? "a dataset" : `a bundle of kind ${String(kind)}`}, not a result; a result does not replace it`,
    );
  if (!options.overwrite)
    throw new AlreadyExistsError(
      target,
      `${target} already holds a result; pass overwrite: true to replace it`,
    );
  const replaces = validateResultManifest(state.manifest);
  return replaceDirectory(target, async (store) =>
    writeResultBundle(store, await resultIn(store, result, target), { ...options, replaces }),
  );
}

/** How often a reader retries a result that was being replaced while it read. */
const READ_ATTEMPTS = 5;

/**
 * Opens the result bundle at a directory path or an `http(s)://` URL (any static web server;
 * only the manifest and the files it names are fetched). Every file is checked against the
 * manifest's inventory; a result replaced while it was read is read again.
 *
 * @example
 * ```ts
 * const result = await openResult("./results/pca-eeg");
 * ```
 */
export async function openResult(
  pathOrUrl: string,
  options: ResultBundleOptions = {},
): Promise<DecompositionResult> {
  if (/^https?:\/\//i.test(pathOrUrl)) return openResultBundle(createHttpStore(pathOrUrl), options);
  const directory = resolve(pathOrUrl);
  for (let attempt = 1; ; attempt++) {
    await recoverDirectory(directory);
    const before = await readManifestBytes(directory);
    if (before === undefined) {
      if (attempt < READ_ATTEMPTS && (await replacementUnderWay(directory))) {
        await new Promise((done) => setTimeout(done, 20 * attempt));
        continue;
      }
      if (!(await pathExists(directory)))
        throw new NotFoundError(directory, `no result bundle at ${directory}`);
    }
    try {
      return await openResultBundle(createDirectoryStore(directory), options);
    } catch (error) {
      // A file that disagrees with the manifest because a replacement swapped the bundle while
      // this reader read it: read the new one.
      const after = await readManifestBytes(directory);
      const replaced = before === undefined || after === undefined || !sameBytes(before, after);
      if (attempt >= READ_ATTEMPTS || !isTensorToolsError(error, "data") || !replaced) throw error;
    }
  }
}

async function readManifestBytes(directory: string): Promise<Uint8Array | undefined> {
  return readFile(join(directory, "manifest.json")).then(
    (bytes) => new Uint8Array(bytes),
    () => undefined,
  );
}

/** Whether a writer is exchanging the result at `directory` right now. */
async function replacementUnderWay(directory: string): Promise<boolean> {
  const prefix = `.${basename(directory)}.tt-replaced-`;
  return (await readdir(dirname(directory)).catch(() => [] as string[])).some((name) =>
    name.startsWith(prefix),
  );
}

/**
 * `reopenInput` of `@tt/result`, whose default opener here also handles directory paths (with
 * `openStoredDataset` of `@tt/bundle/fs`) besides `http(s)://` URLs.
 *
 * @example
 * ```ts
 * const view = await reopenInput(await openResult("./results/pca-eeg"));
 * ```
 */
export function reopenInput(
  result: DecompositionResult,
  options: ReopenInputOptions = {},
): Promise<TensorView> {
  return reopenWith(result, { open: options.open ?? ((location) => openStoredDataset(location)) });
}
