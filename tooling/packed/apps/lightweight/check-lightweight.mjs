// The lightweight app: only @tt/store-zarr and @tt/decompose-svd named in package.json. Opens a
// bundle by its Zarr arrays and coordinate arrays (no Parquet reader, no query engine) and runs
// PCA keyed by the bundle's instance ids. Prints a summary and, last, a JSON report.
//
// node check-lightweight.mjs <bundle folder> <rank>

import { pca } from "@tt/decompose-svd";
import { openBundleArrays } from "@tt/store-zarr";

const [location, rank] = process.argv.slice(2);
const started = Date.now();
const view = await openBundleArrays(location);
const first = view.axes[0];
const output = await pca.fit(view, pca.validate({ rank: Number(rank) }), {
  seed: 0,
  signal: undefined,
  onProgress() {},
});
const table = output.factorTables.instance;
const idColumn = "instance_id";
const column = (name) => Array.from(table.column(name).values);
const report = {
  axes: view.axes,
  shape: view.shape,
  viewIds: Array.from(view.ids(first) ?? []),
  idColumn,
  tableColumns: table.columnNames,
  ids: table.has(idColumn) ? column(idColumn) : [],
  score1: column("score_1"),
  score2: column("score_2"),
  explainedVarianceRatio: output.diagnostics.explained_variance_ratio,
  backend: output.diagnostics.kernels?.backend,
  ms: Date.now() - started,
};
console.log(
  `lightweight pca of ${view.shape.join(" x ")} (${first} ids ${report.viewIds.slice(0, 3).join(", ")}, ...): ` +
    `explained variance ratio ${report.explainedVarianceRatio.join(", ")}; kernels ${report.backend}`,
);
console.log(JSON.stringify(report));
