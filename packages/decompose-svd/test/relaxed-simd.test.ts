/**
 * The relaxed-SIMD kernels (fused multiply-add), as `tt` runs them: the same fit twice gives the
 * same bits, and it stays within the randomized solver's tolerances against numpy. This file's
 * test process turns relaxed SIMD on for Node 20, as `tt` does at startup, before anything
 * compiles WebAssembly (vitest runs each test file in a process of its own).
 */

import { setFlagsFromString } from "node:v8";
import type { MethodOutput } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { svd } from "../src/index.js";
import { expectClose, goldenCases, goldenView, scoreColumns } from "./helpers.js";

setFlagsFromString("--experimental-wasm-relaxed-simd");

const cases = goldenCases();

/** A randomized fit of a golden case on the kernels of `backend`. */
function fitOn(name: string, backend: "wasm-relaxed-simd" | "wasm-simd"): Promise<MethodOutput> {
  const c = cases.get(name)!;
  const config = svd.validate({ ...c.config, solver: "randomized" });
  return svd.fit(goldenView(c), config, {
    seed: 0,
    signal: undefined,
    onProgress() {},
    kernels: { backend },
  });
}

/** Everything numeric a fit reports: singular values, components, scores. */
function numbers(output: MethodOutput, axis: string, k: number): Float64Array {
  const d = output.diagnostics as { singular_values: number[] };
  return Float64Array.from([
    ...d.singular_values,
    ...(output.componentTensors.components!.data as Float64Array),
    ...scoreColumns(output, axis, k),
  ]);
}

describe("randomized SVD on the relaxed-SIMD kernels", () => {
  it.each(["tall", "wide", "tensor3", "decaying"])(
    "%s: the same bits twice, within tolerance of numpy",
    async (name) => {
      const c = cases.get(name)!;
      const k = c.expected.k;
      const first = await fitOn(name, "wasm-relaxed-simd");
      const second = await fitOn(name, "wasm-relaxed-simd");
      expect((first.diagnostics as { kernels: { backend: string } }).kernels.backend).toBe(
        "wasm-relaxed-simd",
      );
      expect(numbers(second, c.axes[0]!, k)).toEqual(numbers(first, c.axes[0]!, k));
      const d = first.diagnostics as { singular_values: number[] };
      const s = c.expected.singular_values;
      expectClose(d.singular_values, s.slice(0, k), 1e-6, 1e-9 * s[0]!, "singular values");
      expectClose(
        first.componentTensors.components!.data as Float64Array,
        c.expected.components as number[],
        0,
        1e-4,
        "components",
      );
      const simd = await fitOn(name, "wasm-simd");
      expectClose(
        d.singular_values,
        (simd.diagnostics as { singular_values: number[] }).singular_values,
        1e-9,
        0,
        "relaxed against SIMD128",
      );
    },
  );
});
