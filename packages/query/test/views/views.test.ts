import { gather, InvalidSelectionError, QueryError } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { viewFromJSON } from "../../src/index.js";
import { datasetOf, positionalTensor } from "./fixture.js";

const tensor = positionalTensor();

describe("views", () => {
  it("know their shape, ids and metadata without reading array data", async () => {
    const { dataset, chunkReads } = await datasetOf(tensor);
    const view = dataset
      .query("instance", "group == 'A' and k > 2")
      .filter("channel", ["Pz", "Fz"])
      .slice("sample", 2, 9)
      .take("sample", [6, 0, 3]);
    const expected = Array.from({ length: 23 }, (_, i) => i).filter(
      (i) => i % 3 === 0 && (i * 7) % 10 > 2,
    );
    expect(view.shape).toEqual([expected.length, 3, 2]);
    expect(view.ids("instance")).toEqual(expected.map((i) => `e${i}`));
    expect([...(view.ids("sample") as Int32Array)]).toEqual([32, 8, 20]);
    expect(view.meta("channel").toRecords()).toEqual([
      { channel_id: "Pz", region: "back" },
      { channel_id: "Fz", region: "front" },
    ]);
    expect(chunkReads).toEqual([]);
  });

  it("materialize the selected data, reading only the chunks needed, each once", async () => {
    const { dataset, chunkReads } = await datasetOf(tensor);
    const view = dataset.take("instance", [12, 3, 13, 14, 3]).filter("channel", ["Oz", "Cz"]);
    const got = await view.materialize();
    expect(got.shape).toEqual([5, 11, 2]);
    expect([...got.data]).toEqual([
      ...gather(tensor.data, tensor.shape, [[12, 3, 13, 14, 3], null, [3, 1]]),
    ]);
    expect(got.axisIndex.instance).toEqual(["e12", "e3", "e13", "e14", "e3"]);
    expect(got.axisMeta.channel?.column("region").values).toEqual(["back", "center"]);
    // Instances 3, 12, 13, 14 live in chunks 0 and 2 (5 instances a chunk).
    const array = dataset.manifest.array_store;
    expect(new Set(chunkReads)).toEqual(new Set([`${array}/c/0/0/0`, `${array}/c/2/0/0`]));
    expect(chunkReads.length).toBeLessThanOrEqual(4);
  });

  it("are immutable: each verb returns a new view and leaves the old one as it was", async () => {
    const { dataset } = await datasetOf(tensor);
    const a = dataset.slice("instance", 0, 10);
    const b = a.query("instance", "qc_pass");
    expect(a.shape[0]).toBe(10);
    expect(b.shape[0]).toBe(4);
    expect(a.selectors).toHaveLength(1);
    expect(b.selectors).toHaveLength(2);
    expect(dataset.shape).toEqual([23, 11, 4]);
  });

  it("round-trip through JSON to the same selection", async () => {
    const { dataset } = await datasetOf(tensor);
    const view = dataset
      .query("instance", "k >= 5")
      .filter("instance", ["e11", "e1", "e5"], { missing: "ignore" })
      .slice("sample", 1, 4);
    const json = JSON.parse(JSON.stringify(view.toJSON()));
    const again = viewFromJSON(dataset, json);
    expect(again.shape).toEqual(view.shape);
    expect(again.ids("instance")).toEqual(view.ids("instance"));
    expect([...(await again.materialize()).data]).toEqual([...(await view.materialize()).data]);
  });

  it("iterate in blocks aligned to storage chunks that tile the view", async () => {
    const { dataset } = await datasetOf(tensor);
    const view = dataset.filter("channel", ["Oz", "Fz"]);
    const starts: number[] = [];
    const data: number[] = [];
    for await (const block of view.blocks({ size: 7 })) {
      starts.push(block.start);
      data.push(...(block.tensor.data as Float64Array));
      expect(block.tensor.axisIndex.instance).toEqual(
        view.ids("instance")!.slice(block.start, block.start + block.tensor.shape[0]!),
      );
    }
    expect(starts).toEqual([0, 10, 20]);
    expect(data).toEqual([...(await view.materialize()).data]);
  });
});

describe("bad selections", () => {
  it("report ids that are not in the dataset, unless asked to ignore them", async () => {
    const { dataset } = await datasetOf(tensor);
    expect(() => dataset.filter("instance", ["e1", "nope", "e99"])).toThrow(InvalidSelectionError);
    expect(() => dataset.filter("instance", ["e1", "nope", "e99"])).toThrow(
      /axis 'instance': 2 ids are not in the view: "nope", "e99"; pass \{ missing: "ignore" \} to skip them/,
    );
    expect(
      dataset.filter("instance", ["e1", "nope"], { missing: "ignore" }).ids("instance"),
    ).toEqual(["e1"]);
    // An id dropped by an earlier selection is not in the view either.
    expect(() => dataset.slice("instance", 5, 10).filter("instance", ["e1"])).toThrow(
      /1 id is not in the view: "e1"/,
    );
  });

  it("report out-of-range slices and indices with the view's length", async () => {
    const { dataset } = await datasetOf(tensor);
    expect(() => dataset.slice("sample", 3, 12)).toThrow(
      /axis 'sample': slice 3:12 does not fit the view's 11 elements/,
    );
    expect(() => dataset.slice("instance", 0, 5).take("instance", [5])).toThrow(
      /index 5 at position 0 is outside 0..4/,
    );
    expect(() => dataset.take("channel", [-1])).toThrow(InvalidSelectionError);
    expect(() => dataset.filter("channel", [true, false])).toThrow(
      /mask has 2 entries, the view has 4 elements/,
    );
    expect(() => dataset.slice("time", 0, 1)).toThrow(
      /no axis 'time'; axes are instance, sample, channel/,
    );
  });

  it("report query errors against the axis's columns", async () => {
    const { dataset } = await datasetOf(tensor);
    expect(() => dataset.query("instance", "gruop == 'A'")).toThrow(QueryError);
    expect(() => dataset.query("instance", "gruop == 'A'")).toThrow(/did you mean 'group'/);
  });
});

describe("readRowsInto", () => {
  it("reads rows of any view into a buffer at an offset, as materialize reads them", async () => {
    const { dataset } = await datasetOf(tensor);
    const views = [
      dataset,
      dataset.slice("instance", 3, 17),
      dataset.take("instance", [12, 3, 13, 14, 3]).filter("channel", ["Oz", "Cz"]),
      dataset.query("instance", "group == 'A'").slice("sample", 2, 9),
    ];
    for (const view of views) {
      const whole = await view.materialize();
      const slab = whole.data.length / view.shape[0]!;
      const [start, stop] = [1, Math.min(view.shape[0]!, 4)];
      const Typed = whole.data.constructor as Float64ArrayConstructor;
      const target = new Typed((stop - start) * slab + 5).fill(-1);
      await view.readRowsInto!(start, stop, target, 5);
      expect(Array.from(target.subarray(5))).toEqual(
        Array.from((whole.data as Float64Array).subarray(start * slab, stop * slab)),
      );
      expect(Array.from(target.subarray(0, 5))).toEqual([-1, -1, -1, -1, -1]);
    }
    await expect(dataset.readRowsInto!(0, 99, new Float32Array(1), 0)).rejects.toThrow(
      InvalidSelectionError,
    );
  });
});
