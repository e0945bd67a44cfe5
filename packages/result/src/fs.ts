/**
 * Node-only result functions: atomic writes of result bundles into directories, opening them
 * by path or URL, and reopening a result's input from a directory.
 *
 * @example
 * ```ts
 * import { openResult, reopenInput, writeResult } from "@tt/result/fs";
 *
 * await writeResult("./results/pca-eeg", result);
 * const again = await openResult("./results/pca-eeg");
 * const view = await reopenInput(again); // the same instances, checked by hash
 * ```
 *
 * @packageDocumentation
 */

export {
  openResult,
  type ResultProducer,
  reopenInput,
  type WriteResultOptions,
  writeResult,
} from "./directory-result.js";
