/** Concatenation of bundles in directories (or at URLs) into a directory, written atomically. */

import { resolve } from "node:path";
import { writeDatasetDirectory } from "@tt/bundle/fs";
import type { KeyValueStore } from "@tt/schema";
import { createHttpStore } from "@tt/storage";
import { createDirectoryStore } from "@tt/storage/fs";
import { type ConcatSummary, concatBundles } from "./concat-bundles.js";
import type { ConcatInput, ConcatOptions } from "./options.js";

/** Options of {@link concatDatasets}: the concatenation and the directory it writes. */
export interface ConcatDatasetsOptions extends ConcatOptions {
  /** The output bundle's directory. */
  out: string;
  /** Replace a dataset bundle already at `out` (as its next version). */
  overwrite?: boolean;
  /** How long files of a replaced version stay for readers that opened it (default ten minutes). */
  graceMs?: number;
}

/** An input of {@link concatDatasets}: a bundle's directory, an `http(s)://` URL, or any other input. */
export type ConcatDatasetInput = ConcatInput | string;

function storeOf(path: string): KeyValueStore {
  return /^https?:\/\//i.test(path) ? createHttpStore(path) : createDirectoryStore(resolve(path));
}

/**
 * Concatenates `inputs` (bundle directories, URLs, views or datasets) into a bundle at directory
 * `options.out`, by the rules of every dataset write (`writeDatasetDirectory`): a new bundle is
 * written under a temporary sibling name and renamed into place; with `overwrite` a dataset at
 * `out` gets it as its next version; `out` may not be (or contain) one of the inputs, a folder of
 * other files or a result. See `concatBundles` for what is written.
 *
 * @example
 * ```ts
 * const { files } = await concatDatasets(["./sub-01", "./sub-02", "./sub-03"], {
 *   out: "./all", join: "outer", groupBy: "session",
 * });
 * ```
 */
export async function concatDatasets(
  inputs: readonly ConcatDatasetInput[],
  options: ConcatDatasetsOptions,
): Promise<ConcatSummary> {
  const list = Array.isArray(inputs) ? inputs : [];
  const opened = list.map((input) => (typeof input === "string" ? storeOf(input) : input));
  const { out, overwrite, graceMs, ...rest } = options;
  const paths = list.flatMap((input) => {
    if (typeof input === "string") return [input];
    const located = input as { location?: unknown; dataset?: { location?: unknown } };
    const location = located.location ?? located.dataset?.location;
    return typeof location === "string" ? [location] : [];
  });
  return writeDatasetDirectory(
    out,
    (store, replace) => concatBundles(opened, { ...rest, out: store, overwrite: replace }),
    { overwrite, graceMs, inputs: paths },
  );
}
