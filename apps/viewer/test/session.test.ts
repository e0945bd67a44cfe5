/**
 * A session built from data at hand: a tensor held in memory and its decomposition, browsed as a
 * dataset opened over HTTP is: scores joined by id, the result's instances only, and each instance
 * read back beside its reconstruction (a full-rank PCA rebuilds it; tolerance 1e-9).
 */

import { randomWaveforms } from "@tt/test-fixtures";
import { createTensor, datasetFromTensor, decompose } from "tensortools/browser";
import { describe, expect, it } from "vitest";
import { instanceCurves } from "../src/instance-curves.js";
import { createSession } from "../src/session.js";
import { waveformPlan } from "../src/waveform-plan.js";

describe("a session of a tensor held in memory", () => {
  it("joins the scores of the instances the result covers and rebuilds each of them", async () => {
    const tensor = randomWaveforms();
    const picked = tensor.axisMeta.instance!.column("instance_id").values as string[];
    const result = await decompose(tensor, "pca", { rank: 11 });
    const session = createSession(tensor, result);
    expect(session.datasetUrl).toBeUndefined();
    expect(session.dataset.location).toBeUndefined();
    expect(session.idColumn).toBe("instance_id");
    expect(session.scoreColumns.slice(0, 3)).toEqual(["score_1", "score_2", "score_3"]);
    expect(session.view.ids("instance")).toEqual(picked);
    const plan = waveformPlan(session.dataset, session.components!);
    let worst = 0;
    for (let row = 0; row < session.table.numRows; row++) {
      const { original, reconstruction } = await instanceCurves(session, plan, row);
      for (const [panel, curve] of original.entries())
        for (const [i, value] of curve.entries())
          worst = Math.max(worst, Math.abs(value - reconstruction![panel]![i]!));
    }
    expect(worst).toBeLessThan(1e-9);
  });

  it("keeps to the instances the result covers, keyed by row number when the tensor has no ids", async () => {
    const { data, shape, axes } = randomWaveforms();
    const tensor = createTensor({ data, shape, axes });
    const result = await decompose(datasetFromTensor(tensor).slice("instance", 4, 10), "pca", {
      rank: 2,
    });
    const session = createSession(tensor, result);
    expect(session.idColumn).toBe("instance_id");
    expect(Array.from(session.view.ids("instance") as Int32Array)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(session.table.get(0, "score_1")).toBe(result.factorTables.instance!.get(0, "score_1"));
  });

  it("reads each instance through the result's delayed operations, beside its reconstruction", async () => {
    const tensor = randomWaveforms();
    const input = datasetFromTensor(tensor)
      .slice("sample", 1, 5)
      .subtractMean("sample", { start: 0, stop: 2 })
      .subtractElement("channel", "b")
      .divide([2, 1, 4], { axis: "channel" });
    const result = await decompose(input, "pca", { rank: 11 });
    const session = createSession(tensor, result);
    expect(session.input?.toJSON()).toEqual(input.toJSON());
    const plan = waveformPlan(session.dataset, session.components!);
    const transformed = (await input.materialize()).data as Float64Array;
    let worst = 0;
    for (let row = 0; row < session.table.numRows; row++) {
      const { original, reconstruction } = await instanceCurves(session, plan, row);
      // Panels are channels, x runs along the 4 samples the input kept.
      for (const [panel, curve] of original.entries())
        for (const [i, value] of curve.entries()) {
          expect(value).toBe(transformed[(row * 4 + i) * 3 + panel]);
          worst = Math.max(worst, Math.abs(value - reconstruction![panel]![i]!));
        }
    }
    expect(worst).toBeLessThan(1e-9);
  });

  it("reads the raw instances when the result's input only selected", async () => {
    const tensor = randomWaveforms();
    const result = await decompose(datasetFromTensor(tensor).slice("sample", 1, 5), "pca", {
      rank: 2,
    });
    expect(createSession(tensor, result).input).toBeUndefined();
  });

  it("opens an NMF result as scores and components, each instance rebuilt to its recon_error", async () => {
    const raw = randomWaveforms();
    const tensor = createTensor({
      ...raw,
      data: Float64Array.from(raw.data as Float64Array, Math.abs),
    });
    const result = await decompose(tensor, "nmf", { rank: 2 });
    const session = createSession(tensor, result);
    expect(session.scoreKind).toBe("score");
    expect(session.scoreColumns).toEqual(["score_1", "score_2"]);
    const plan = waveformPlan(session.dataset, session.components!);
    for (let row = 0; row < session.table.numRows; row++) {
      const { original, reconstruction } = await instanceCurves(session, plan, row);
      let squares = 0;
      for (const [panel, curve] of original.entries())
        for (const [i, value] of curve.entries())
          squares += (value - reconstruction![panel]![i]!) ** 2;
      expect(Math.sqrt(squares)).toBeCloseTo(session.table.get(row, "recon_error") as number, 9);
    }
  });

  it("plots an ICA result's power columns and has no components tensor", async () => {
    const tensor = randomWaveforms();
    const result = await decompose(tensor, "ica", { rank: 2 });
    const session = createSession(tensor, result);
    expect(session.scoreKind).toBe("power");
    expect(session.scoreColumns).toEqual(["power_1", "power_2"]);
    expect(session.table.get(3, "power_2")).toBe(result.factorTables.instance!.get(3, "power_2"));
    expect(session.components).toBeUndefined();
  });
});
