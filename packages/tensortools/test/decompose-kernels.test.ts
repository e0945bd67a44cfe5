/**
 * decompose's `kernels` option: the backend and threads reach svd, pca and cp, the backend that
 * ran is recorded, bad settings are ConfigErrors naming the field, and "auto" falls back to the
 * JavaScript kernels with a single warning when WebAssembly cannot compile.
 */

import { eegTensor } from "@tt/test-fixtures";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type AxisAnnotatedTensor,
  type DecompositionResult,
  datasetFromTensor,
  decompose,
  isTensorToolsError,
  type ReadableView,
} from "../src/index.js";

const WARNED = Symbol.for("@tt/linalg/js-fallback-warned");

let tensor: AxisAnnotatedTensor;
let view: () => ReadableView;
beforeAll(async () => {
  tensor = await eegTensor();
  view = () => datasetFromTensor(tensor);
});

afterEach(() => {
  vi.restoreAllMocks();
  delete (globalThis as { [WARNED]?: boolean })[WARNED];
});

/** The numbers of a result: component tensors and the per-instance factor columns. */
function numbers(result: DecompositionResult): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const [name, component] of Object.entries(result.componentTensors))
    out[`tensor ${name}`] = Float64Array.from(component.data as ArrayLike<number>);
  const instances = result.factorTables.instance!;
  for (const field of instances.schema)
    if (field.type === "float64" || field.type === "float32")
      out[`epoch ${field.name}`] = Float64Array.from(
        instances.column(field.name).values as ArrayLike<number>,
      );
  return out;
}

/** Asserts every number of `actual` is within `tolerance` of `expected`, relative to its largest. */
function expectClose(
  actual: DecompositionResult,
  expected: DecompositionResult,
  tolerance: number,
) {
  const got = numbers(actual);
  const want = numbers(expected);
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [name, values] of Object.entries(want)) {
    const scale = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
    let worst = 0;
    for (let i = 0; i < values.length; i++)
      worst = Math.max(worst, Math.abs(got[name]![i]! - values[i]!) / scale);
    expect(worst, name).toBeLessThanOrEqual(tolerance);
  }
}

async function failure(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error,
  );
}

describe("decompose with kernel settings", () => {
  it('runs pca on the JS kernels with { backend: "js" }: the numbers of the wasm backend, "js" recorded', async () => {
    const config = { rank: 4 };
    const wasm = await decompose(view(), "pca", config, { kernels: { backend: "wasm-simd" } });
    const js = await decompose(view(), "pca", config, { kernels: { backend: "js" } });
    expect(wasm.diagnostics.kernels).toMatchObject({ backend: "wasm-simd" });
    expect(js.diagnostics.kernels).toEqual({ backend: "js", threads: 1 });
    expect(js.diagnostics.solver).toBe("krylov");
    // The JS kernels do the SIMD128 build's arithmetic in the same order: the same bits.
    expectClose(js, wasm, 0);
    expect(js.diagnostics.singular_values).toEqual(wasm.diagnostics.singular_values);
  });

  it('runs cp on the JS kernels with { backend: "js" }: the fit of the wasm backend', async () => {
    const config = { rank: 2, n_iter_max: 15 };
    const wasm = await decompose(view(), "cp", config, { kernels: { backend: "wasm-simd" } });
    const js = await decompose(view(), "cp", config, { kernels: { backend: "js" } });
    expect(wasm.diagnostics.kernels).toMatchObject({ backend: "wasm-simd" });
    expect(js.diagnostics.kernels).toEqual({ backend: "js", threads: 1 });
    expectClose(js, wasm, 1e-9);
    expect(js.diagnostics.fit).toBeCloseTo(wasm.diagnostics.fit as number, 12);
  });

  it("takes kernels.threads when the config leaves threads at auto; a number in the config wins", async () => {
    const one = await decompose(view(), "pca", { rank: 2 }, { kernels: { threads: 1 } });
    expect(one.diagnostics.kernels).toMatchObject({ threads: 1 });
    const two = await decompose(
      view(),
      "pca",
      { rank: 2, threads: 2 },
      { kernels: { threads: 1 } },
    );
    expect(two.diagnostics.kernels).toMatchObject({ threads: 2 });
    expectClose(two, one, 0);
  });

  it("rejects an unknown backend, bad threads or an unknown setting with a ConfigError naming it", async () => {
    const backend = await failure(
      decompose(view(), "pca", { rank: 2 }, { kernels: { backend: "gpu" as "js" } }),
    );
    expect(isTensorToolsError(backend, "config")).toBe(true);
    expect((backend as { field: string }).field).toBe("kernels.backend");
    expect((backend as Error).message).toBe(
      `config 'kernels.backend': must be one of "auto", "wasm-relaxed-simd", "wasm-simd", "js"; got "gpu"`,
    );
    await expect(
      decompose(view(), "pca", { rank: 2 }, { kernels: { threads: 0 } }),
    ).rejects.toThrow("config 'kernels.threads': must be a positive integer, got 0");
    await expect(
      decompose(view(), "pca", { rank: 2 }, { kernels: { backnd: "js" } as never }),
    ).rejects.toThrow("config 'kernels.backnd': is not a kernel setting");
    await expect(decompose(view(), "pca", { rank: 2 }, { kernels: "js" as never })).rejects.toThrow(
      `config 'kernels': must be an object such as { backend: "js" }, got "js"`,
    );
  });
});

describe("decompose when WebAssembly cannot compile", () => {
  it('falls back to the JS kernels under "auto" and warns exactly once', async () => {
    const warnings = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    vi.spyOn(WebAssembly, "compile").mockRejectedValue(
      new WebAssembly.CompileError("simulated failure"),
    );
    const first = await decompose(view(), "pca", { rank: 2 });
    const second = await decompose(view(), "cp", { rank: 2, n_iter_max: 3 });
    expect(first.diagnostics.kernels).toEqual({ backend: "js", threads: 1 });
    expect(second.diagnostics.kernels).toEqual({ backend: "js", threads: 1 });
    expect(warnings).toHaveBeenCalledTimes(1);
    const message = String(warnings.mock.calls[0]![0]);
    expect(message).not.toContain("\n");
    expect(message).toContain("failed: simulated failure");
    expect(message).toContain("using the JavaScript kernels, which are about 10x slower");
  });

  it("rejects an explicit wasm backend with the UnsupportedError, unwrapped", async () => {
    vi.spyOn(WebAssembly, "compile").mockRejectedValue(
      new WebAssembly.CompileError("simulated failure"),
    );
    const error = await failure(
      decompose(view(), "pca", { rank: 2 }, { kernels: { backend: "wasm-simd" } }),
    );
    expect(isTensorToolsError(error, "unsupported")).toBe(true);
    expect((error as Error).message).toContain('backend "wasm-simd"');
    expect((error as Error).message).toContain('use backend "js" or "auto"');
  });
});
