/**
 * ICA artifact removal as a delayed view (issue 25 item 1 with issue 20's operations): on the
 * EEG epochs, `removeComponentsView` is the view with a `linear_map` along the channels; it reads
 * nothing until read, equals the eager `removeComponents`, is recorded in a result's `input_ref`
 * and replayed by `reopenInput`, and a streamed PCA of it equals the PCA of the eager data.
 */

import { join } from "node:path";
import { EEG_INDEX_COLUMNS, writeEegBundle } from "@tt/test-fixtures";
import { beforeAll, describe, expect, it } from "vitest";
import {
  datasetFromTensor,
  decompose,
  ica,
  openDataset,
  openResult,
  removeComponents,
  removeComponentsView,
  reopenInput,
  type TensorView,
  writeResult,
} from "../src/index.js";
import { scratchDirectory } from "./helpers.js";

const dir = scratchDirectory("tt-ica-remove-view-");

/** Max |a − b| over max |b|. */
function relativeGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let gap = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    gap = Math.max(gap, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return gap / scale;
}

describe("removeComponentsView on the EEG epochs", () => {
  let view: TensorView;
  let clean: TensorView;
  let eager: Float32Array;
  beforeAll(async () => {
    await writeEegBundle(join(dir, "eeg"));
    view = (await openDataset(join(dir, "eeg"))).query("channel", "type == 'EEG'");
    const fit = await ica.fit(view, ica.validate({ rank: 8 }), {
      seed: 3,
      signal: undefined,
      onProgress() {},
    });
    clean = removeComponentsView(view, fit.componentTensors, [1, 2]);
    eager = (await removeComponents(view, fit.componentTensors, [1, 2])).data as Float32Array;
  }, 120_000);

  it("is the view with a linear map along the channels, equal to the eager removal", async () => {
    const ops = clean.toJSON().selectors.map((s) => s.op);
    expect(ops).toEqual(["query", "linear_map"]);
    expect(clean.shape).toEqual(view.shape);
    expect(clean.dtype).toBe("float32");
    const lazy = (await clean.materialize()).data as Float32Array;
    // Both round float64 sums to float32: they differ by the order of the sums at most.
    expect(relativeGap(lazy, eager)).toBeLessThan(1e-6);
    expect(relativeGap(lazy, (await view.materialize()).data as Float32Array)).toBeGreaterThan(
      1e-3,
    );
  });

  it("is recorded in input_ref and replayed by reopenInput; a streamed PCA of it equals the eager data's", async () => {
    const config = { rank: 4, memory_budget: 400_000 };
    const result = await decompose(clean, "pca", config, { seed: 2 });
    expect(result.diagnostics.in_memory).toBe(false);
    await writeResult(join(dir, "pca"), result);
    const opened = await openResult(join(dir, "pca"));
    expect(opened.inputRef.selectors).toEqual(clean.toJSON().selectors);
    const replayed = await reopenInput(opened);
    expect(Array.from((await replayed.materialize()).data as Float32Array)).toEqual(
      Array.from((await clean.materialize()).data as Float32Array),
    );
    const materialized = await clean.materialize();
    const held = await decompose(
      datasetFromTensor(materialized, { axisIndexColumns: EEG_INDEX_COLUMNS }),
      "pca",
      config,
      { seed: 2 },
    );
    const s = result.factorTables.component!.column("singular_value").values as Float64Array;
    const sHeld = held.factorTables.component!.column("singular_value").values as Float64Array;
    expect(relativeGap(s, sHeld)).toBeLessThan(1e-9);
  });
});
