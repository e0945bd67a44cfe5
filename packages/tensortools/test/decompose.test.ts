/**
 * decompose: method resolution, config validation, the attrs it records, which errors pass
 * through and which are wrapped (and in which phase), progress, seeds and aborts.
 */

import { describe, expect, it } from "vitest";
import {
  columnFromCells,
  createDefaultRegistry,
  createRegistry,
  createTensor,
  DataError,
  type DecompositionMethod,
  datasetFromTensor,
  decompose,
  isTensorToolsError,
  MetaTable,
  type MethodOutput,
  type Progress,
  pca,
  type ReadableView,
  svd,
} from "../src/index.js";

const tensor = createTensor({
  data: Float64Array.from({ length: 24 }, (_, i) => Math.sin(i) + (i % 4)),
  shape: [6, 4],
  axes: ["instance", "feature"],
  axisIndex: { instance: ["a", "b", "c", "d", "e", "f"] },
});
const view = () => datasetFromTensor(tensor);

/** The output a well-behaved method returns for `input`: one row per instance id. */
function keyedOutput(input: ReadableView): MethodOutput {
  const ids = Array.from(input.ids("instance") as string[]);
  return {
    factorTables: {
      instance: MetaTable.fromColumns({ instance_id: columnFromCells("string", ids) }),
    },
    componentTensors: {},
    diagnostics: {},
  };
}

/** A method with the given fit (and validate), the rest filled in. */
function method(
  fit: DecompositionMethod<object>["fit"],
  validate: DecompositionMethod<object>["validate"] = (config) => ({ ...(config as object) }),
): DecompositionMethod<object> {
  return { id: "probe", version: "9.9.9", defaults: {}, validate, fit };
}

async function failure(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error,
  );
}

describe("decompose resolves the method", () => {
  it("looks ids up in a fresh default registry holding svd and pca", async () => {
    expect(createDefaultRegistry().ids("method")).toEqual([
      "cp",
      "ica",
      "nmf",
      "pca",
      "svd",
      "tucker",
    ]);
    const result = await decompose(view(), "svd", { rank: 2 });
    expect(result.method).toBe("svd");
    expect(result.methodVersion).toBe(svd.version);
  });

  it("gives every caller its own default registry", () => {
    const mine = createDefaultRegistry().register(method(async (v) => keyedOutput(v)));
    expect(mine.ids("method")).toEqual(["cp", "ica", "nmf", "pca", "probe", "svd", "tucker"]);
    expect(createDefaultRegistry().ids("method")).toEqual([
      "cp",
      "ica",
      "nmf",
      "pca",
      "svd",
      "tucker",
    ]);
  });

  it("rejects an unknown id with a not-found error listing the registered ids", async () => {
    const error = await failure(decompose(view(), "lda", { rank: 2 }));
    expect(isTensorToolsError(error, "not-found")).toBe(true);
    expect((error as Error).message).toBe(
      "unknown method 'lda'; registered: cp, ica, nmf, pca, svd, tucker",
    );
    expect((error as { available: string[] }).available).toEqual([
      "cp",
      "ica",
      "nmf",
      "pca",
      "svd",
      "tucker",
    ]);
  });

  it("uses the registry it is given", async () => {
    const registry = createRegistry([method(async (v) => keyedOutput(v))]);
    expect((await decompose(view(), "probe", {}, { registry })).method).toBe("probe");
    const error = await failure(decompose(view(), "pca", {}, { registry }));
    expect((error as Error).message).toBe("unknown method 'pca'; registered: probe");
  });

  it("runs a method object directly, and rejects an object that is not a method", async () => {
    expect(
      (
        await decompose(
          view(),
          method(async (v) => keyedOutput(v)),
        )
      ).method,
    ).toBe("probe");
    const notAMethod = { id: "x", version: "1", open() {} } as unknown as DecompositionMethod;
    const error = await failure(decompose(view(), notAMethod));
    expect(isTensorToolsError(error, "config")).toBe(true);
  });
});

describe("decompose records the run", () => {
  it("stores the complete config and the attrs, and references in-memory input as null", async () => {
    const result = await decompose(view(), "pca", { rank: 2 }, { seed: 7 });
    expect(result.config).toEqual(pca.validate({ rank: 2 }));
    expect(Object.keys(result.attrs).sort()).toEqual([
      "created_at",
      "duration_ms",
      "library_version",
      "method_version",
      "seed",
    ]);
    expect(result.attrs.seed).toBe(7);
    expect(result.inputRef.dataset).toBeNull();
    expect(result.inputRef.n_instances).toBe(6);
  });

  it("hands the method the seed (0 by default) and forwards its progress", async () => {
    const seeds: number[] = [];
    const probe = method(async (v, _config, context) => {
      seeds.push(context.seed);
      context.onProgress({ phase: "fit", fraction: 0.5 });
      return keyedOutput(v);
    });
    const progress: Progress[] = [];
    await decompose(view(), probe, {}, { onProgress: (p) => progress.push(p) });
    await decompose(view(), probe, {}, { seed: 42 });
    expect(seeds).toEqual([0, 42]);
    expect(progress).toEqual([{ phase: "fit", fraction: 0.5 }]);
  });

  it("takes the seed from its option only: a config refuses one, the result records it", async () => {
    for (const id of ["pca", "svd", "cp"]) {
      const error = await failure(decompose(view(), id, { rank: 2, seed: 7 }));
      expect(isTensorToolsError(error, "config"), id).toBe(true);
      expect((error as { field: string }).field).toBe("seed");
      expect((error as Error).message).toBe(
        "config 'seed': the seed is not part of a method's config; pass it to decompose(..., { seed })",
      );
    }
    const config = { rank: 2, solver: "randomized" };
    const result = await decompose(view(), "pca", config, { seed: 7 });
    expect(result.config).not.toHaveProperty("seed");
    expect(result.attrs.seed).toBe(7);
    expect(result.diagnostics.seed).toBe(7);
    const again = await decompose(view(), "pca", config, { seed: 7 });
    expect(again.factorTables.instance!.column("score_1").values).toEqual(
      result.factorTables.instance!.column("score_1").values,
    );
  });

  it("rejects a seed that is not a non-negative integer with a config error", async () => {
    const error = await failure(decompose(view(), "pca", {}, { seed: -1 }));
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect((error as { field: string }).field).toBe("seed");
  });
});

describe("decompose errors", () => {
  it("passes a ConfigError from validate through unchanged", async () => {
    const error = await failure(decompose(view(), "pca", { rank: 0 }));
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect((error as { field: string }).field).toBe("rank");
    expect((error as Error).message).toBe(
      (() => {
        try {
          pca.validate({ rank: 0 });
        } catch (e) {
          return (e as Error).message;
        }
      })(),
    );
  });

  it("passes a ConfigError from the fit through unchanged", async () => {
    const error = await failure(decompose(view(), "pca", { rank: 5 }));
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect((error as Error).message).toContain("min(instances, features)");
  });

  it("passes the very DataError a fit throws", async () => {
    const thrown = new DataError("row 3", "is corrupt");
    const error = await failure(
      decompose(
        view(),
        method(() => Promise.reject(thrown)),
      ),
    );
    expect(error).toBe(thrown);
  });

  it("wraps a TypeError from the fit as a MethodError in phase 'fit' with the cause", async () => {
    const bug = new TypeError("cannot read properties of undefined (reading 'length')");
    const error = await failure(
      decompose(
        view(),
        method(async () => {
          throw bug;
        }),
      ),
    );
    expect(isTensorToolsError(error, "method")).toBe(true);
    expect(error).toMatchObject({ method: "probe", phase: "fit", cause: bug });
    expect((error as Error).message).toBe(
      "method 'probe' failed during fit: cannot read properties of undefined (reading 'length')",
    );
  });

  it("wraps a RangeError from validate in phase 'validate'", async () => {
    const bug = new RangeError("Invalid array length");
    const probe = method(
      async (v) => keyedOutput(v),
      () => {
        throw bug;
      },
    );
    const error = await failure(decompose(view(), probe));
    expect(error).toMatchObject({ tag: "method", phase: "validate", cause: bug });
  });

  it("wraps a failure while reading the input's ids in phase 'prepare'", async () => {
    const bug = new Error("disk gone");
    const broken: ReadableView = {
      ...view(),
      ids() {
        throw bug;
      },
    };
    const error = await failure(
      decompose(
        broken,
        method(async (v) => keyedOutput(v)),
      ),
    );
    expect(error).toMatchObject({ tag: "method", phase: "prepare", cause: bug });
  });

  it("wraps output that breaks the result contract in phase 'assemble'", async () => {
    const reversed = method(async (v) => {
      const ids = Array.from(v.ids("instance") as string[]).reverse();
      return {
        ...keyedOutput(v),
        factorTables: {
          instance: MetaTable.fromColumns({ instance_id: columnFromCells("string", ids) }),
        },
      };
    });
    const error = await failure(decompose(view(), reversed));
    expect(error).toMatchObject({ tag: "method", method: "probe", phase: "assemble" });
    expect(isTensorToolsError((error as Error).cause, "data")).toBe(true);
  });
});

describe("decompose and abort signals", () => {
  it("rejects with the reason before touching the data when the signal is already aborted", async () => {
    const touched: string[] = [];
    const watched = new Proxy(view(), {
      get(target, key, receiver) {
        touched.push(String(key));
        return Reflect.get(target, key, receiver);
      },
    });
    const controller = new AbortController();
    const reason = new Error("cancelled by the user");
    controller.abort(reason);
    let fitted = false;
    const probe = method(async (v) => {
      fitted = true;
      return keyedOutput(v);
    });
    await expect(decompose(watched, probe, {}, { signal: controller.signal })).rejects.toBe(reason);
    expect(touched).toEqual([]);
    expect(fitted).toBe(false);
  });

  it("rejects with the reason as soon as it aborts, even if the method does not check", async () => {
    const controller = new AbortController();
    const reason = new Error("stop waiting");
    const stuck = method((_v, _c, context) => {
      context.onProgress({ phase: "fit", fraction: 0 });
      return new Promise<MethodOutput>(() => {});
    });
    const run = decompose(
      view(),
      stuck,
      {},
      {
        signal: controller.signal,
        onProgress: () => controller.abort(reason),
      },
    );
    await expect(run).rejects.toBe(reason);
  });

  describe("during a long fit", () => {
    // 6000 x 200 values with a 64 KiB memory budget: the fit streams blocks of 2048 instances,
    // so it reads the data in several blocks before any solving starts.
    let state = 12345;
    const random = () => {
      state = (Math.imul(state, 48271) >>> 0) % 2147483647;
      return state / 2147483647;
    };
    const large = createTensor({
      data: Float64Array.from({ length: 6000 * 200 }, random),
      shape: [6000, 200],
      axes: ["instance", "feature"],
      axisIndex: { instance: Array.from({ length: 6000 }, (_, i) => `i${i}`) },
    });

    it("stops the fit at the first progress report", async () => {
      const controller = new AbortController();
      const reason = new Error("aborted at the first progress report");
      const progress: Progress[] = [];
      let finished: Promise<"resolved" | unknown> | undefined;
      const watchedSvd: DecompositionMethod<object> = {
        ...svd,
        id: "watched-svd",
        fit(input, config, context) {
          const fit = svd.fit(input, config as never, context);
          finished = fit.then(
            () => "resolved",
            (error: unknown) => error,
          );
          return fit;
        },
      };
      const run = decompose(
        datasetFromTensor(large),
        watchedSvd,
        { rank: 3, memory_budget: 65536 },
        {
          signal: controller.signal,
          onProgress(report) {
            progress.push(report);
            controller.abort(reason);
          },
        },
      );
      await expect(run).rejects.toBe(reason);
      // The fit itself gave up with the same reason instead of finishing.
      expect(await finished).toBe(reason);
      expect(progress).toHaveLength(1);
      expect(progress[0]!.phase).toBe("read");
      expect(progress[0]!.fraction).toBeLessThan(1);
    });
  });
});
