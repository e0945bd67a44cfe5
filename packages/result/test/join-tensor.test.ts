/**
 * Results of tensors held in memory: the input reference of a view of one records no dataset but
 * its selectors; joinResult takes a tensor as it takes a dataset, and refuses anything else.
 */

import { datasetFromTensor } from "@tt/query";
import {
  columnFromCells,
  createTensor,
  isTensorToolsError,
  MetaTable,
  type TensorDataset,
} from "@tt/schema";
import { describe, expect, it } from "vitest";
import { computeInputRef, joinResult } from "../src/index.js";
import { pcaResult } from "./helpers.js";

const n = 10;
const tensor = createTensor({
  data: Float64Array.from({ length: n * 6 }, (_, i) => Math.sin(i * 0.9) + (i % 6) * 0.2),
  shape: [n, 6],
  axes: ["cell", "gene"],
  axisIndex: { cell: Array.from({ length: n }, (_, i) => `c${i}`) },
  axisMeta: {
    cell: MetaTable.fromColumns({
      batch: columnFromCells(
        "string",
        Array.from({ length: n }, (_, i) => (i < 4 ? "b1" : "b2")),
      ),
    }),
  },
});

describe("a view of a tensor held in memory", () => {
  it("has an input reference without a dataset, with its selectors", async () => {
    const view = datasetFromTensor(tensor).query("cell", "batch == 'b2'");
    const ref = await computeInputRef(view);
    expect(ref.dataset).toBeNull();
    expect(ref.selectors).toEqual([{ op: "query", axis: "cell", expr: "batch == 'b2'" }]);
    expect(ref.n_instances).toBe(6);
  });
});

describe("joinResult onto a tensor", () => {
  it("is the join onto the tensor as a dataset: scores by id, nulls where the result has none", async () => {
    const result = await pcaResult(datasetFromTensor(tensor).query("cell", "batch == 'b2'"), 2);
    const joined: TensorDataset = joinResult(tensor, result);
    const same = joinResult(datasetFromTensor(tensor), result);
    expect(joined.meta("cell").toRecords()).toEqual(same.meta("cell").toRecords());
    expect(joined.meta("cell").columnNames).toEqual([
      "cell_id",
      "batch",
      "score_1",
      "score_2",
      "recon_error",
      "t2",
      "q",
      "outlier_score",
    ]);
    expect(joined.query("cell", "score_1.isnull()").ids("cell")).toEqual(["c0", "c1", "c2", "c3"]);
    expect([...(await joined.read([]))]).toEqual([...tensor.data]);
    // The joined dataset still reads straight into a caller's buffer, as the tensor's does.
    const target = new Float64Array(6);
    await joined.readInto!([[3], null], target, 0);
    expect([...target]).toEqual([...tensor.data.subarray(18, 24)]);
  });

  it("refuses what is neither a dataset, a view nor a tensor, with a ConfigError on target", async () => {
    const result = await pcaResult(datasetFromTensor(tensor), 1);
    for (const bad of [null, 3, { shape: [2] }]) {
      const error = (() => {
        try {
          joinResult(bad as never, result);
        } catch (caught) {
          return caught as Error;
        }
        return expect.fail("expected an error");
      })();
      expect(isTensorToolsError(error, "config")).toBe(true);
      expect(error.message).toMatch(
        /^config 'target': must be a dataset, a view of one or an axis-annotated tensor \(createTensor\), got (null|number|object)$/,
      );
    }
  });
});
