// A third-party method installed beside `tensortools`: registered in the default registry, run
// through `decompose` on a bundle, and through @tt/schema/testing's conformance kit. Prints a
// summary and, last, a JSON report.
//
// node check-plugin.mjs <iris bundle folder>

import { testMethod } from "@tt/schema/testing";
import {
  createDefaultRegistry,
  createTensor,
  decompose,
  isTensorToolsError,
  MetaTable,
  openDataset,
} from "tensortools";
import { instanceStats } from "tensortools-method-instance-stats";

const [irisBundle] = process.argv.slice(2);
const report = {};

const registry = createDefaultRegistry().register(instanceStats);
report.methods = registry.ids("method");

const dataset = await openDataset(irisBundle);
const result = await decompose(dataset, "instance-stats", { ddof: 1 }, { registry });
const table = result.factorTables.instance;
report.decompose = {
  method: result.method,
  methodVersion: result.methodVersion,
  config: result.config,
  columns: table.columnNames,
  first: table.row(0),
  rows: table.numRows,
  tableIsUmbrellaMetaTable: table instanceof MetaTable,
};

// A config error thrown by the plugin's copy of @tt/schema, caught beside the umbrella's.
try {
  await decompose(dataset, "instance-stats", { ddof: 2 }, { registry });
  report.configError = { thrown: false };
} catch (error) {
  report.configError = {
    thrown: true,
    isConfigError: isTensorToolsError(error, "config"),
    message: error.message,
  };
}

// The conformance kit, on a small tensor with string ids and on one keyed by an id column.
const tensor = createTensor({
  data: Float64Array.from({ length: 30 }, (_, i) => Math.sin(i) * 3 + (i % 5)),
  shape: [6, 5],
  axes: ["instance", "feature"],
  axisIndex: { instance: ["a", "b", "c", "d", "e", "f"] },
});
const cases = testMethod(instanceStats, [
  { name: "six instances", tensor, config: {} },
  { name: "six instances, ddof 1", tensor, config: { ddof: 1 } },
]);
report.conformance = [];
for (const check of cases) {
  try {
    await check.run();
    report.conformance.push({ name: check.name, passed: true });
  } catch (error) {
    report.conformance.push({
      name: check.name,
      passed: false,
      error: String(error?.message ?? error),
    });
  }
}
const passed = report.conformance.filter((c) => c.passed).length;
console.log(
  `plugin: registry methods ${report.methods.join(", ")}; instance-stats of iris f000 mean ${report.decompose.first.mean}, ` +
    `sd ${report.decompose.first.sd}; conformance ${passed}/${report.conformance.length} passed`,
);
console.log(JSON.stringify(report));
