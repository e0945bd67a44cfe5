import { describe, expect, it } from "vitest";
import {
  type ArrayStoreBackend,
  ConfigError,
  columnFromCells,
  columnFromValues,
  createTensor,
  type DecompositionMethod,
  MetaTable,
  type MethodOutput,
} from "../src/index.js";
import {
  memoryArrayStore,
  memoryMetaIO,
  testArrayStore,
  testMethod,
  viewFromTensor,
} from "../src/testing/index.js";
import { memoryKeyValueStore as createMemoryStore } from "./memory-kv.js";

/** A tiny method: each instance's mean over the other axes, times a seeded factor. */
interface MeanConfig {
  scale: number;
}
const meanMethod: DecompositionMethod<MeanConfig> = {
  id: "mean",
  version: "0.0.1",
  defaults: { scale: 1 },
  validate(config) {
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
      throw new ConfigError("$", "must be an object");
    }
    const full = { ...this.defaults, ...(config as Partial<MeanConfig>) };
    if (typeof full.scale !== "number") throw new ConfigError("scale", "must be a number");
    return full;
  },
  async fit(view, config, context) {
    context.signal?.throwIfAborted();
    const tensor = await view.materialize({ signal: context.signal });
    const n = tensor.shape[0]!;
    const width = tensor.data.length / n;
    const scores = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < width; j++) sum += Number(tensor.data[i * width + j]);
      scores[i] = (config.scale * sum) / width;
      context.onProgress({ phase: "fit", fraction: (i + 1) / n });
    }
    const idColumn = view.axisIndexColumns[view.axes[0]!]!;
    const ids = view.ids(view.axes[0]!) as string[];
    const instance = MetaTable.fromColumns({
      [idColumn]: columnFromCells("string", ids),
      score_1: columnFromValues("float64", scores),
    });
    return {
      factorTables: { [view.axes[0]!]: instance },
      componentTensors: {},
      diagnostics: { n },
    };
  },
};

const tensor = createTensor({
  data: Float32Array.from({ length: 4 * 3 * 2 }, (_, i) => i),
  shape: [4, 3, 2],
  axes: ["instance", "sample", "channel"],
  axisMeta: {
    instance: MetaTable.fromColumns({
      instance_id: columnFromCells("string", ["a", "b", "c", "d"]),
    }),
  },
});
const cases = [
  { name: "a ramp", tensor, axisIndexColumns: { instance: "instance_id" }, config: { scale: 2 } },
];

describe("testArrayStore on the reference memory store", () => {
  for (const c of testArrayStore(() => ({
    backend: memoryArrayStore,
    store: createMemoryStore(),
  }))) {
    it(c.name, c.run);
  }
});

describe("testArrayStore catches a store that reads wrong", () => {
  const reversed: ArrayStoreBackend = {
    ...memoryArrayStore,
    async open(store, path) {
      const array = await memoryArrayStore.open(store, path);
      return { metadata: array.metadata, read: async (s) => (await array.read(s)).reverse() };
    },
  };
  const check = testArrayStore(() => ({ backend: reversed, store: createMemoryStore() })).find(
    (c) => c.name.startsWith("reopens"),
  )!;
  it("fails the reopen check", async () => {
    await expect(check.run()).rejects.toThrow(/reopened data differs/);
  });
});

describe("testMethod on an example method", () => {
  for (const c of testMethod(meanMethod, cases)) it(c.name, c.run);

  it("computes what the example method promises", async () => {
    const output = await meanMethod.fit(
      viewFromTensor(tensor, { instance: "instance_id" }),
      { scale: 2 },
      {
        seed: 1,
        signal: undefined,
        onProgress() {},
      },
    );
    expect([...(output.factorTables.instance!.column("score_1").values as Float64Array)]).toEqual([
      5, 17, 29, 41,
    ]);
  });
});

describe("testMethod catches broken methods", () => {
  const run = async (method: DecompositionMethod<MeanConfig>, prefix: string) => {
    const check = testMethod(method, cases).find((c) => c.name.includes(prefix))!;
    await check.run();
  };

  it("fails a method whose instance table is not in input order", async () => {
    const shuffled: DecompositionMethod<MeanConfig> = {
      ...meanMethod,
      async fit(view, config, context): Promise<MethodOutput> {
        const output = await meanMethod.fit(view, config, context);
        const table = output.factorTables.instance!;
        return { ...output, factorTables: { instance: table.take([1, 0, 2, 3]) } };
      },
    };
    await expect(run(shuffled, "keyed by the input ids")).rejects.toThrow(
      /ids differ from the input ids/,
    );
  });

  it("fails a method that ignores its seed", async () => {
    let calls = 0;
    const noisy: DecompositionMethod<MeanConfig> = {
      ...meanMethod,
      fit: (view, config, context) =>
        meanMethod.fit(view, { scale: config.scale + calls++ }, context),
    };
    await expect(run(noisy, "same seed")).rejects.toThrow(/two fits with seed 11 differ/);
  });

  it("fails a method that ignores an aborted signal", async () => {
    const stubborn: DecompositionMethod<MeanConfig> = {
      ...meanMethod,
      fit: (view, config, context) =>
        meanMethod.fit(view, config, { ...context, signal: undefined }),
    };
    await expect(run(stubborn, "aborted signal")).rejects.toThrow(/expected the abort reason/);
  });
});

describe("memoryMetaIO", () => {
  it("round-trips every logical type with nulls, NaN and infinities", async () => {
    const table = MetaTable.fromColumns({
      s: columnFromCells("string", ["NaN", null, "x"]),
      b: columnFromCells("boolean", [true, null, false]),
      i: columnFromCells("int32", [-(2 ** 31), null, 2 ** 31 - 1]),
      l: columnFromCells("int64", [-(2n ** 63n), null, 2n ** 63n - 1n]),
      f: columnFromCells("float32", [Number.NaN, null, Number.NEGATIVE_INFINITY]),
      d: columnFromCells("float64", [Number.POSITIVE_INFINITY, null, 1e-300]),
      z: columnFromCells("float64", [-0, 0, null]),
      t: columnFromCells("timestamp", [new Date(0), null, new Date(86400000)]),
      g: columnFromCells("list<string>", [["a", "b"], null, []]),
    });
    const store = createMemoryStore();
    await store.set("meta/instance.json", await memoryMetaIO.write(table));
    const back = await memoryMetaIO.read(store, "meta/instance.json");
    expect(back.schema).toEqual(table.schema);
    expect(back.toRecords()).toEqual(table.toRecords());
    expect(Object.is(back.get(0, "z"), -0)).toBe(true);
    const part = await memoryMetaIO.read(store, "meta/instance.json", {
      columns: ["d", "s"],
      rowStart: 1,
    });
    expect(part.columnNames).toEqual(["d", "s"]);
    expect(part.toRecords()).toEqual([
      { d: null, s: null },
      { d: 1e-300, s: "x" },
    ]);
    await expect(memoryMetaIO.read(store, "meta/missing.json")).rejects.toThrow(
      /no metadata table at/,
    );
  });
});

describe("viewFromTensor", () => {
  it("iterates blocks that tile the tensor, with their ids and metadata", async () => {
    const view = viewFromTensor(tensor, { instance: "instance_id" });
    const starts: number[] = [];
    const data: number[] = [];
    const ids: unknown[] = [];
    for await (const block of view.blocks({ size: 3 })) {
      starts.push(block.start);
      data.push(...(block.tensor.data as Float32Array));
      ids.push(...(block.tensor.axisMeta.instance!.column("instance_id").values as string[]));
    }
    expect(starts).toEqual([0, 3]);
    expect(data).toEqual([...tensor.data]);
    expect(ids).toEqual(["a", "b", "c", "d"]);
    expect(view.ids("instance")).toEqual(["a", "b", "c", "d"]);
    expect(view.ids("sample")).toBeUndefined();
    expect(view.meta("sample").numRows).toBe(3);
  });
});
