/**
 * Result bundles on any key-value store, with a hand-made result that uses every column type,
 * nulls, int and string ids, every kind of axis index, a mask, and names that are not file names.
 */

import { openBundle, writeBundle } from "@tt/bundle";
import { createDataset } from "@tt/query";
import {
  type AxisIndex,
  columnFromCells,
  columnFromValues,
  createTensor,
  type DecompositionMethod,
  type DecompositionResult,
  hashIds,
  MetaTable,
} from "@tt/schema";
import { memoryArrayStore, memoryMetaIO } from "@tt/schema/testing";
import { createMemoryStore } from "@tt/storage";
import { describe, expect, it } from "vitest";
import {
  computeInputRef,
  createResult,
  joinResult,
  openResultBundle,
  writeResultBundle,
} from "../src/index.js";
import { expectSameResult } from "./helpers.js";

const method: DecompositionMethod<{ rank: number }> = {
  id: "toy",
  version: "1.2.3",
  defaults: { rank: 2 },
  validate: (config) => config as { rank: number },
  fit: () => Promise.reject(new Error("not used")),
};

/** A result whose instance table is keyed by int64 ids and whose tables hold every type. */
function handMadeResult(): DecompositionResult {
  const instance = MetaTable.fromColumns({
    instance_id: columnFromCells("int64", [10n, 2n ** 40n, -3n, 7n]),
    score_1: columnFromValues(
      "float64",
      Float64Array.of(0.1 + 0.2, -0, Number.MIN_VALUE, Number.NaN),
      Uint8Array.of(1, 1, 1, 0),
    ),
    score_f32: columnFromCells("float32", [1.5, null, -2.25, 3]),
    count: columnFromCells("int32", [1, 2, null, 4]),
    flag: columnFromCells("boolean", [true, null, false, true]),
    note: columnFromCells("string", ["a", "", null, "ü"]),
    when: columnFromCells("timestamp", [new Date(0), null, new Date(1e12), new Date(-5)]),
    tags: columnFromCells("list<string>", [["x"], [], null, ["y", "z"]]),
  });
  const component = MetaTable.fromColumns({
    component: columnFromCells("int32", [1, 2]),
    weight: columnFromCells("float64", [Math.PI, Math.E]),
  });
  const indexes: Record<string, AxisIndex> = {
    component: Int32Array.of(1, 2),
    a: Uint32Array.of(0, 4_000_000_000),
    b: BigUint64Array.of(0n, 2n ** 64n - 1n),
    c: [1.5, -0.25],
    d: [5n, -6n],
    e: Uint8Array.of(0, 255),
    f: Int16Array.of(-300, 300),
    g: Float32Array.of(0.5, 1e-30),
  };
  const axes = Object.keys(indexes);
  const shape = axes.map(() => 2);
  const size = 2 ** axes.length;
  const loadings = createTensor({
    data: Float64Array.from({ length: size }, (_, i) => Math.sin(i) * 1e-300),
    shape,
    axes,
    axisIndex: indexes,
    axisMeta: {
      component,
      a: MetaTable.empty(2),
      c: MetaTable.fromRecords([{ s: "p" }, { s: "q" }]),
    },
    mask: Uint8Array.from({ length: size }, (_, i) => (i % 3 === 0 ? 0 : 1)),
    attrs: { unit: "µV", nested: { list: [1, "two", null] } },
  });
  const weird = createTensor({
    data: BigInt64Array.of(-1n, 2n ** 62n),
    shape: [2],
    axes: ["time (ms)"],
    axisIndex: { "time (ms)": ["t/0", "t/1"] },
  });
  return {
    method: "toy",
    methodVersion: "1.2.3",
    config: { rank: 2, nested: { over: ["instance"] } },
    inputRef: {
      dataset: null,
      selectors: [{ op: "filter", axis: "instance", ids: ["10", "7"] }],
      n_instances: 4,
      ids_hash: `sha256:${"0".repeat(64)}`,
    },
    attrs: { seed: 42, library_version: "test 1", created_at: "2024-05-06T07:08:09.000Z" },
    factorTables: { instance, component, "per/slash": component, Instance: component },
    componentTensors: { loadings, "time (ms)": weird },
    diagnostics: { rank: 2, ratios: [0.5, 0.25], solver: "toy", none: null },
  };
}

describe("result bundles", () => {
  it("round-trip every column type, nulls, int64 ids, index kinds, masks and odd names", async () => {
    const result = handMadeResult();
    const store = createMemoryStore();
    const manifest = await writeResultBundle(store, result);
    expect(manifest.seed).toBe(42);
    expect(manifest.library_version).toBe("test 1");
    expect(manifest.attrs).toEqual({});
    expect(Object.values(manifest.files.factor_tables)).toEqual([
      "factor_tables/instance.parquet",
      "factor_tables/component.parquet",
      "factor_tables/x_per_slash.parquet",
      "factor_tables/Instance_2.parquet",
    ]);
    const loadings = manifest.files.component_tensors.loadings!;
    expect(loadings.mask).toBe("components/loadings.mask.zarr");
    expect(loadings.axis_meta.a).toBeNull();
    expect(
      Object.fromEntries(Object.entries(loadings.axis_index).map(([k, v]) => [k, v.form])),
    ).toEqual({
      component: "int32",
      a: "uint32",
      b: "uint64",
      c: "list",
      d: "list",
      e: "uint8",
      f: "int16",
      g: "float32",
    });
    expectSameResult(await openResultBundle(store), result);
  });

  it("round-trip with other plugins (memory arrays, JSON tables)", async () => {
    const result = handMadeResult();
    const store = createMemoryStore();
    const plugins = { arrayStore: memoryArrayStore, metaIO: memoryMetaIO };
    const manifest = await writeResultBundle(store, result, plugins);
    expect(manifest.files.factor_tables.instance).toBe("factor_tables/instance.json");
    expect(manifest.files.component_tensors.loadings!.array).toBe("components/loadings.memory");
    expectSameResult(await openResultBundle(store, plugins), result);
  });

  it("reports progress and refuses a store that already holds a bundle", async () => {
    const store = createMemoryStore();
    const fractions: number[] = [];
    await writeResultBundle(store, handMadeResult(), {
      onProgress: (progress) => fractions.push(progress.fraction),
    });
    expect(fractions.at(-1)).toBe(1);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    await expect(writeResultBundle(store, handMadeResult())).rejects.toThrow(
      "memory:// already holds a bundle; write a result into an empty store",
    );
  });

  it("key instances by int ids: createResult checks them, joinResult matches them", async () => {
    const ids = Int32Array.of(30, 10, 20);
    const tensor = createTensor({
      data: Float64Array.of(1, 2, 3, 4, 5, 6),
      shape: [3, 2],
      axes: ["instance", "feature"],
      axisIndex: { instance: ids },
      axisMeta: {
        instance: MetaTable.fromColumns({ label: columnFromCells("string", ["x", "y", "x"]) }),
      },
    });
    const store = createMemoryStore("memory://ints");
    await writeBundle(store, tensor);
    const dataset = createDataset(await openBundle(store));
    const view = dataset.filter("instance", [20, 30]);
    const inputRef = await computeInputRef(view);
    expect(inputRef.ids_hash).toBe(await hashIds([20, 30], 2));
    expect(inputRef.ids_hash).not.toBe(await hashIds(["20", "30"], 2));
    const output = {
      factorTables: {
        instance: MetaTable.fromColumns({
          instance_id: columnFromCells("int64", [20n, 30n]),
          score_1: columnFromCells("float64", [2.5, -1]),
        }),
      },
      componentTensors: {},
      diagnostics: {},
    };
    const result = createResult({
      method,
      config: { rank: 1 },
      inputRef,
      output,
      instanceIds: view.ids("instance"),
    });
    const joined = joinResult(dataset, result);
    expect(joined.meta("instance").toRecords()).toEqual([
      { instance_id: 30, label: "x", score_1: -1 },
      { instance_id: 10, label: "y", score_1: null },
      { instance_id: 20, label: "x", score_1: 2.5 },
    ]);
    expect(
      Array.from(joined.query("instance", "score_1 > 0 and label == 'x'").ids("instance")!),
    ).toEqual([20]);
  });
});
