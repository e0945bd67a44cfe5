/** Concatenation of bundles in directories (or at URLs) into a directory, written atomically. */

import { resolve } from "node:path";
import { createHttpStore, type KeyValueStore } from "@tt/schema";
import { createDirectoryStore, writeDirectoryAtomically } from "@tt/schema/fs";
import { type ConcatSummary, concatBundles } from "./concat-bundles.js";
import type { ConcatInput, ConcatOptions } from "./options.js";

/** Options of {@link concatDatasets}: the concatenation and the directory it writes. */
export interface ConcatDatasetsOptions extends ConcatOptions {
  /** The output bundle's directory. */
  out: string;
  /** Replace a bundle already at `out`. */
  overwrite?: boolean;
}

/** An input of {@link concatDatasets}: a bundle's directory, an `http(s)://` URL, or any other input. */
export type ConcatDatasetInput = ConcatInput | string;

function storeOf(path: string): KeyValueStore {
  return /^https?:\/\//i.test(path) ? createHttpStore(path) : createDirectoryStore(resolve(path));
}

/**
 * Concatenates `inputs` (bundle directories, URLs, views or datasets) into a new bundle at
 * directory `options.out`, atomically: it is written under a temporary sibling name and renamed
 * into place when complete; an existing `out` is an error unless `overwrite` is set. See
 * `concatBundles` for what is written.
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
  const opened = (Array.isArray(inputs) ? inputs : []).map((input) =>
    typeof input === "string" ? storeOf(input) : input,
  );
  const { out, overwrite, ...rest } = options;
  return writeDirectoryAtomically(out, (store) => concatBundles(opened, { ...rest, out: store }), {
    overwrite,
  });
}
