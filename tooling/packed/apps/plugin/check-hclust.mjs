// The ml.js example method (tensortools-example-hclust, on @tt/mljs and ml-hclust) installed
// beside `tensortools`: the Iris PCA scores read as an ml-matrix Matrix, clustered through
// `decompose` on the joined view, and the labels joined back onto the flowers. Prints a
// summary and, last, a JSON report.
//
// node check-hclust.mjs <iris bundle folder>

import { fromMatrix, toMatrix } from "@tt/mljs";
import {
  createDefaultRegistry,
  decompose,
  isTensorToolsError,
  joinResult,
  MetaTable,
  openDataset,
} from "tensortools";
import { hclust } from "tensortools-example-hclust";

const [irisBundle] = process.argv.slice(2);
const report = {};

const registry = createDefaultRegistry().register(hclust);
report.methods = registry.ids("method");

const dataset = await openDataset(irisBundle);
const pca = await decompose(dataset, "pca", { rank: 2 });
const scores = toMatrix(pca, ["score_1", "score_2"]);
report.scores = {
  rows: scores.rows,
  columns: scores.columns,
  squares: [0, 1].map((j) => scores.getColumn(j).reduce((sum, value) => sum + value * value, 0)),
};
const table = fromMatrix(scores, { ids: dataset.ids("instance"), columns: ["s1", "s2"] });
report.fromMatrix = { columns: table.columnNames, isUmbrellaMetaTable: table instanceof MetaTable };

const columns = ["pca_score_1", "pca_score_2"];
const joined = joinResult(dataset, pca, { prefix: "pca_" });
const result = await decompose(joined, "hclust", { k: 3, columns }, { registry });
const instance = result.factorTables.instance;
report.decompose = {
  method: result.method,
  config: result.config,
  columns: instance.columnNames,
  labels: Array.from(instance.column("cluster").values).join(""),
  tableIsUmbrellaMetaTable: instance instanceof MetaTable,
};

const back = joinResult(dataset, result, { prefix: "hc_" });
report.joined = {
  sizes: [1, 2, 3].map((c) => back.query("instance", `hc_cluster == ${c}`).shape[0]),
  setosaOutsideCluster1: back.query("instance", "species == 'setosa' and hc_cluster != 1").shape[0],
};

try {
  toMatrix(pca, ["score_9"]);
  report.missingColumn = { thrown: false };
} catch (error) {
  report.missingColumn = {
    thrown: true,
    isConfigError: isTensorToolsError(error, "config"),
    message: error.message,
  };
}

console.log(
  `hclust: scores ${scores.rows} x ${scores.columns} Matrix; clusters of ${report.joined.sizes.join(", ")} flowers; ` +
    `registry methods ${report.methods.join(", ")}`,
);
console.log(JSON.stringify(report));
