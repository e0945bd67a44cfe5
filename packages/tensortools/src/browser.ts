/**
 * tensortools for the browser: everything of the Node entry that needs no file system.
 * Datasets and results are opened from `http(s)://` URLs or any `KeyValueStore`; nothing here
 * imports a `node:` module. Browser bundlers pick this entry for `import "tensortools"` too
 * (the `browser` export condition).
 *
 * @example
 * ```ts
 * import { decompose, joinResult, openDataset, openResult } from "tensortools/browser";
 *
 * const dataset = await openDataset("https://example.org/data/eeg/");
 * const result = await openResult("https://example.org/results/eeg-pca/");
 * const joined = joinResult(dataset, result, { prefix: "pca_" });
 * const view = joined.query("epoch", "pca_score_1 > 0 and lock_position == 1");
 * const again = await decompose(view, "pca", { rank: 3 });
 * ```
 *
 * @packageDocumentation
 */

export { reopenInput } from "@tt/result";
export * from "./api.js";
export { openDataset, openPyramid, openResult } from "./open-browser.js";
