// A user's Node ESM script on the installed `tensortools`: fixture data to bundles, open, query,
// decompose (svd, pca, cp), write, open and join the result, query on a score. It prints what it
// found and, on its last line, a JSON report that the packed stage checks.
//
// node check-umbrella.mjs <fixtures folder> <output folder> <EEG query> <CP config JSON>

import { join } from "node:path";
import {
  createTensor,
  decompose,
  isTensorToolsError,
  joinResult,
  MetaTable,
  openDataset,
  openResult,
  readCsvFile,
  readNpyFile,
  writeDataset,
  writeResult,
} from "tensortools";

const [fixtures, out, eegQuery, cpConfig] = process.argv.slice(2);
const fixture = (path) => join(fixtures, path);
const column = (table, name) => Array.from(table.column(name).values);
const started = Date.now();
const report = {};

// Iris: PCA and a centered SVD of the whole dataset.
{
  const { data, shape } = await readNpyFile(fixture("iris/tensor.npy"));
  const tensor = createTensor({
    data,
    shape,
    axes: ["instance", "sample", "feature"],
    axisMeta: {
      instance: await readCsvFile(fixture("iris/axis0_flowers.csv")),
      feature: await readCsvFile(fixture("iris/axis2_features.csv")),
    },
  });
  await writeDataset(join(out, "iris"), tensor, {
    axisIndexColumns: { instance: "id", feature: "id" },
  });
  const dataset = await openDataset(join(out, "iris"));
  const pca = await decompose(dataset, "pca", { rank: 2 });
  const svd = await decompose(dataset, "svd", { rank: 2, center: { over: ["instance"] } });
  const scores = pca.factorTables.instance;
  report.iris = {
    shape: dataset.shape,
    explainedVarianceRatio: pca.diagnostics.explained_variance_ratio,
    firstComponent: Array.from(pca.componentTensors.components.data.subarray(0, 4)),
    ids: column(scores, "instance_id"),
    score1: column(scores, "score_1"),
    score2: column(scores, "score_2"),
    svdSingularValues: svd.diagnostics.singular_values,
    backend: pca.diagnostics.kernels.backend,
    virginica: dataset.query("instance", "species == 'virginica'").shape[0],
  };
  console.log(
    `iris ${dataset.shape.join(" x ")}: pca explained variance ratio ${report.iris.explainedVarianceRatio.join(", ")}; ` +
      `svd singular values ${report.iris.svdSingularValues.join(", ")}; kernels ${report.iris.backend}`,
  );
}

// EEG epochs: the README's path, query -> pca -> result bundle -> join -> query on a score.
{
  const { data, shape } = await readNpyFile(fixture("eeglab_epochs/tensor.npy"));
  const lists = ["all_event_types", "all_event_positions", "all_event_latencies_ms"];
  const epoch = await readCsvFile(fixture("eeglab_epochs/axis0_epochs.csv"), {
    types: Object.fromEntries(lists.map((name) => [name, "list<string>"])),
  });
  const tensor = createTensor({
    data,
    shape,
    axes: ["epoch", "time", "channel"],
    axisMeta: {
      epoch,
      time: await readCsvFile(fixture("eeglab_epochs/axis1_time.csv")),
      channel: await readCsvFile(fixture("eeglab_epochs/axis2_channels.csv")),
    },
  });
  await writeDataset(join(out, "eeg"), tensor, {
    axisIndexColumns: { epoch: "id", time: "id", channel: "id" },
  });
  const dataset = await openDataset(join(out, "eeg"));
  const view = dataset.query("epoch", eegQuery);
  const result = await decompose(view, "pca", { rank: 5, solver: "exact" });
  await writeResult(join(out, "eeg-pca"), result);
  const reopened = await openResult(join(out, "eeg-pca"));
  const joined = joinResult(dataset, reopened, { prefix: "pca_" });
  const picked = joined.query("epoch", "pca_score_1 > 0 and rt_ms > 400");
  // The same selection directly: epochs of the result with a positive first score and rt_ms > 400.
  const firstScores = new Map(
    reopened.factorTables.instance.toRecords().map((row) => [row.instance_id, row.score_1]),
  );
  const expectedPicked = dataset
    .meta("epoch")
    .toRecords()
    .filter((row) => (firstScores.get(row.id) ?? 0) > 0 && row.rt_ms !== null && row.rt_ms > 400)
    .map((row) => row.id);
  let badQuery;
  try {
    joined.query("epoch", "pca_score_1 >");
  } catch (error) {
    badQuery = { isQueryError: isTensorToolsError(error, "query"), message: error.message };
  }
  const table = result.factorTables.instance;
  report.eeg = {
    shape: dataset.shape,
    selectedIds: Array.from(view.ids("epoch")),
    singularValues: result.diagnostics.singular_values,
    explainedVarianceRatio: result.diagnostics.explained_variance_ratio,
    totalVariance: result.diagnostics.total_variance,
    scoresHead: [0, 1, 2].flatMap((i) => [1, 2, 3, 4, 5].map((c) => table.get(i, `score_${c}`))),
    componentsShape: result.componentTensors.components.shape,
    backend: result.diagnostics.kernels.backend,
    reopenedSameScores:
      JSON.stringify(reopened.factorTables.instance.toRecords()) ===
      JSON.stringify(table.toRecords()),
    reopenedIsMetaTable: reopened.factorTables.instance instanceof MetaTable,
    pickedIds: Array.from(picked.ids("epoch")),
    expectedPickedIds: expectedPicked,
    unscored: joined.query("epoch", "pca_score_1.isnull()").shape[0],
    badQuery,
  };
  console.log(
    `eeg ${dataset.shape.join(" x ")}, "${eegQuery}" -> ${view.shape[0]} epochs: pca explained variance ratio ` +
      `${report.eeg.explainedVarianceRatio.map((r) => r.toFixed(6)).join(", ")}; ` +
      `joined query "pca_score_1 > 0 and rt_ms > 400" -> ${report.eeg.pickedIds.length} epochs; kernels ${report.eeg.backend}`,
  );
}

// Amino acids: rank-3 CP, the PARAFAC benchmark.
{
  const { data, shape } = await readNpyFile(fixture("amino_acids_bro/tensor.npy"));
  const tensor = createTensor({
    data,
    shape,
    axes: ["instance", "emission", "excitation"],
    axisMeta: {
      instance: await readCsvFile(fixture("amino_acids_bro/axis0_samples.csv")),
      emission: await readCsvFile(fixture("amino_acids_bro/axis1_emission.csv")),
      excitation: await readCsvFile(fixture("amino_acids_bro/axis2_excitation.csv")),
    },
  });
  await writeDataset(join(out, "amino"), tensor, {
    axisIndexColumns: { instance: "id", emission: "id", excitation: "id" },
  });
  const dataset = await openDataset(join(out, "amino"));
  const result = await decompose(dataset, "cp", JSON.parse(cpConfig));
  report.cp = {
    fit: result.diagnostics.fit,
    iterations: result.diagnostics.iterations,
    weights: result.diagnostics.weights,
    ids: column(result.factorTables.instance, "instance_id"),
    backend: result.diagnostics.kernels.backend,
  };
  console.log(
    `amino acids ${dataset.shape.join(" x ")}: cp rank 3 fit ${report.cp.fit} after ${report.cp.iterations} sweeps; kernels ${report.cp.backend}`,
  );
}

report.ms = Date.now() - started;
console.log(JSON.stringify(report));
