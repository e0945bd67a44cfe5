// A web page on `tensortools/browser`: opens a dataset bundle over HTTP (?bundle=<url>), selects
// epochs (?query=<expression>), runs PCA and reports what ran in `window.__result` and the title.

import { decompose, openDataset } from "tensortools/browser";

const params = new URLSearchParams(location.search);

async function main() {
  const started = performance.now();
  const dataset = await openDataset(params.get("bundle"));
  const view = dataset.query("epoch", params.get("query"));
  const result = await decompose(view, "pca", { rank: 5, solver: "exact" });
  const table = result.factorTables.instance;
  return {
    shape: dataset.shape,
    selectedIds: Array.from(view.ids("epoch")),
    singularValues: result.diagnostics.singular_values,
    explainedVarianceRatio: result.diagnostics.explained_variance_ratio,
    totalVariance: result.diagnostics.total_variance,
    scoresHead: [0, 1, 2].flatMap((i) => [1, 2, 3, 4, 5].map((c) => table.get(i, `score_${c}`))),
    backend: result.diagnostics.kernels.backend,
    ms: Math.round(performance.now() - started),
  };
}

main().then(
  (report) => {
    window.__result = report;
    document.getElementById("out").textContent = JSON.stringify(report, null, 2);
    document.title = `done: ${report.backend}`;
  },
  (error) => {
    window.__result = { error: String(error?.stack ?? error) };
    document.title = "error";
  },
);
