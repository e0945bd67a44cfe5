/** The Iris fixture (150 x 1 x 4, flower and feature metadata) as a tensor, for the tests. */

import { fileURLToPath } from "node:url";
import { type AxisAnnotatedTensor, createTensor } from "@tt/schema";
import { readCsvFile, readNpyFile } from "tensortools";

const fixture = (path: string) =>
  fileURLToPath(new URL(`../../../fixtures/${path}`, import.meta.url));

/** Iris from fixtures/iris: axes instance x sample x feature, ids in the metadata's `id` columns. */
export async function irisTensor(): Promise<AxisAnnotatedTensor> {
  const { data, shape } = await readNpyFile(fixture("iris/tensor.npy"));
  return createTensor({
    data,
    shape,
    axes: ["instance", "sample", "feature"],
    axisMeta: {
      instance: await readCsvFile(fixture("iris/axis0_flowers.csv")),
      feature: await readCsvFile(fixture("iris/axis2_features.csv")),
    },
  });
}
