/** The paths of a result bundle and the options it is written and read with. */

import type { BundlePlugins } from "@tt/bundle";
import type { Progress } from "@tt/schema";

/** Options of writing or reading a result bundle: plugins, cancellation, progress. */
export interface ResultBundleOptions extends BundlePlugins {
  /** Stops the work; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Reports progress as files are written or read. */
  onProgress?: (progress: Progress) => void;
}

/** The fixed paths of the layout. */
export const RESULT_LAYOUT = {
  manifest: "manifest.json",
  diagnostics: "diagnostics.json",
  factorTables: "factor_tables",
  components: "components",
} as const;

const PLAIN = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/**
 * A file name stem for `name` that no other name of the same folder got (compared without case,
 * for case-insensitive file systems): the name itself when it is a plain word, else a cleaned
 * form with a number.
 */
export function fileStem(name: string, taken: Set<string>): string {
  let stem = PLAIN.test(name) ? name : name.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_*/, "x_");
  for (let n = 2; taken.has(stem.toLowerCase()); n++) stem = `${stem.replace(/_\d+$/, "")}_${n}`;
  taken.add(stem.toLowerCase());
  return stem;
}
