// A user's Node ESM script on the installed `tensortools` and `@tt/catalog`: two datasets written,
// concatenated, one decomposed, every write recorded in a catalog (the `catalog` option); then
// the lineage of the result, a query over a feature and the runs. The last line is a JSON report.
//
// node check-catalog.mjs <output folder>

import { rm } from "node:fs/promises";
import { join } from "node:path";
import { formatLineage, openCatalog } from "@tt/catalog";
import {
  concatDatasets,
  createTensor,
  decompose,
  MetaTable,
  openDataset,
  writeDataset,
  writeResult,
} from "tensortools";

const [out] = process.argv.slice(2);
await rm(out, { recursive: true, force: true });
const catalog = join(out, "catalog.db");
const recording = (name, offset) => {
  const n = 30;
  const data = Float32Array.from(
    { length: n * 8 * 2 },
    (_, i) => Math.sin(i * 0.37 + offset) + (i % 7),
  );
  return createTensor({
    data,
    shape: [n, 8, 2],
    axes: ["instance", "sample", "channel"],
    axisIndex: { instance: Array.from({ length: n }, (_, i) => `${name}-${i}`) },
    axisMeta: {
      instance: MetaTable.fromRecords(Array.from({ length: n }, (_, i) => ({ good: i % 3 !== 0 }))),
    },
  });
};
await writeDataset(join(out, "rec1"), recording("rec1", 0), { catalog });
await writeDataset(join(out, "rec2"), recording("rec2", 1), { catalog });
await concatDatasets([join(out, "rec1"), join(out, "rec2")], { out: join(out, "all"), catalog });
const view = (await openDataset(join(out, "all"))).query("instance", "good");
await writeResult(join(out, "pca"), await decompose(view, "pca", { rank: 2 }), { catalog });

const opened = openCatalog(catalog);
opened.defineFeature({ name: "modality", dtype: "string", categories: ["eeg", "ecg"] });
opened.setFeatures("all", { modality: "eeg" });
const lineage = formatLineage(opened.lineage("pca"));
const report = {
  lineage,
  transforms: opened
    .runs()
    .map((run) => `${run.transform}:${run.status}`)
    .reverse(),
  found: opened.find("modality == 'eeg' and n_instances > 30").map((v) => `${v.key}@${v.version}`),
};
opened.close();
process.stdout.write(lineage);
console.log(JSON.stringify(report));
