/** Small dataset bundles on disk for the catalog's tests. */

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeDataset } from "@tt/bundle/fs";
import { columnFromCells, createTensor, MetaTable } from "@tt/schema";

/** Writes a dataset of `n` instances (ids `<prefix>0..`) x 4 samples at `path`; `overwrite` for a next version. */
export async function writeSmallDataset(
  path: string,
  prefix: string,
  n = 6,
  options: { overwrite?: boolean; offset?: number } = {},
): Promise<void> {
  const data = Float32Array.from({ length: n * 4 }, (_, i) => i + (options.offset ?? 0));
  const ids = Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  const tensor = createTensor({
    data,
    shape: [n, 4],
    axes: ["instance", "sample"],
    axisIndex: { instance: ids },
    axisMeta: {
      instance: MetaTable.fromColumns({
        label: columnFromCells(
          "string",
          ids.map((_, i) => (i % 2 ? "a" : "b")),
        ),
      }),
    },
  });
  await writeDataset(path, tensor, { overwrite: options.overwrite });
}

/**
 * A result bundle's manifest alone (what the catalog reads of a result): a PCA of `dataset`
 * (its location and manifest hash) through `selectors`.
 */
export function writeResultManifest(
  path: string,
  dataset: { location: string; manifestHash: string },
  selectors: unknown[],
  rank = 2,
): void {
  mkdirSync(path, { recursive: true });
  const manifest = {
    kind: "decomposition_result",
    schema_version: "0.2.0",
    method: "pca",
    config: { rank },
    input_ref: {
      dataset: { location: dataset.location, manifest_hash: dataset.manifestHash },
      selectors,
      n_instances: 6,
    },
    created_at: new Date().toISOString(),
    inventory: { "components/x": { bytes: 10, sha256: "0".repeat(64) } },
  };
  writeFileSync(join(path, "manifest.json"), JSON.stringify(manifest));
}
