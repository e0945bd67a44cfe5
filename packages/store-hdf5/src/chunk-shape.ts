/** The chunk shape the store writes when none is given. */

import { bytesPerElement, type DType, sizeOf } from "@tt/schema";

const CHUNK_BYTES = 4 * 1024 * 1024;

/** Whole slabs along the first axis, about 4 MiB a chunk (the Zarr store's choice too). */
export function defaultChunkShape(shape: readonly number[], dtype: DType): number[] {
  const slabBytes = Math.max(1, sizeOf(shape.slice(1)) * bytesPerElement(dtype));
  const rows = Math.max(1, Math.min(shape[0] || 1, Math.round(CHUNK_BYTES / slabBytes)));
  return [rows, ...shape.slice(1).map((n) => Math.max(1, n))];
}
