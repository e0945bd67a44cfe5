/** Reads by id from bundles in local directories (files kept open between reads) or over HTTP. */

import { createHttpStore } from "@tt/storage";
import { createDirectoryStore } from "@tt/storage/fs";
import { existingStore } from "./directory-bundle.js";
import { type InstanceReader, type OpenInstancesOptions, openInstances } from "./open-instances.js";

/** Files a directory reader keeps open: the id index and the chunks lookups read. */
const OPEN_HANDLES = 512;

/**
 * Opens the bundle at a directory path or an `http(s)://` URL for reads by id (see
 * `openInstances`). A directory's files stay open between lookups (up to 512), so a lookup is
 * two small reads without an open and a close each; `close` closes them.
 *
 * @example
 * ```ts
 * const reader = await openDatasetInstances("./eeg");
 * const { fields } = await reader.getInstance("rec01-e17");
 * await reader.close();
 * ```
 */
export async function openDatasetInstances(
  pathOrUrl: string,
  options: OpenInstancesOptions = {},
): Promise<InstanceReader> {
  if (/^https?:\/\//i.test(pathOrUrl)) return openInstances(createHttpStore(pathOrUrl), options);
  const store = createDirectoryStore((await existingStore(pathOrUrl)).location, {
    openHandles: OPEN_HANDLES,
  });
  try {
    return { ...(await openInstances(store, options)), close: () => store.close() };
  } catch (error) {
    await store.close();
    throw error;
  }
}
