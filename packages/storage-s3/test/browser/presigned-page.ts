/**
 * The page of the browser test: the built entry of `@tt/storage-s3` (its dist, bundled for the
 * browser with `@tt/bundle`), a function on `window` that opens a bundle from a presigned URL map
 * and reports what it read.
 */

import { openBundle } from "@tt/bundle";
import { createPresignedStore, type PresignedBundle } from "@tt/storage-s3";

/** What the page read. */
export interface PageReading {
  location: string;
  shape: number[];
  ids: string[];
  rows: number[];
  manifestRange: number[];
}

/** Opens the bundle of `presigned` and reads rows `start` to `stop` of its array. */
async function readPresigned(
  presigned: PresignedBundle,
  start: number,
  stop: number,
): Promise<PageReading> {
  const store = createPresignedStore(presigned);
  const dataset = await openBundle(store);
  const rows = await dataset.array.read([{ start, stop }, null]);
  const range = await store.get("manifest.json", { range: { offset: 5, length: 20 } });
  return {
    location: dataset.location ?? "",
    shape: [...dataset.shape],
    ids: Array.from(dataset.ids(dataset.axes[0]!) ?? [], String),
    rows: Array.from(rows as Float32Array),
    manifestRange: Array.from(range ?? []),
  };
}

(window as unknown as { readPresigned: typeof readPresigned }).readPresigned = readPresigned;
