/**
 * CP-ALS on the relaxed-SIMD kernels (fused multiply-add), as `tt` runs them: the same fit twice
 * gives the same bits, and it stays within the golden tolerances of the numpy CP-ALS. This file's
 * test process turns relaxed SIMD on for Node 20, as `tt` does at startup, before anything
 * compiles WebAssembly (vitest runs each test file in a process of its own).
 */

import { setFlagsFromString } from "node:v8";
import type { MethodOutput } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { cp } from "../src/index.js";
import { expectClose, factorColumns, fixtureView, goldenCases } from "./helpers.js";

setFlagsFromString("--experimental-wasm-relaxed-simd");

interface Diagnostics {
  fit: number;
  relative_error_history: number[];
  weights: number[];
  kernels: { backend: string };
}

describe("CP-ALS on the relaxed-SIMD kernels", () => {
  it("fits the amino acids twice with the same bits, within the golden tolerances", async () => {
    const axes = ["instance", "emission", "excitation"];
    const view = await fixtureView("amino_acids_bro", axes);
    const c = goldenCases().get("amino_acids")!;
    const config = cp.validate(c.config);
    const fitOn = (backend: "wasm-relaxed-simd" | "wasm-simd"): Promise<MethodOutput> =>
      cp.fit(view, config, { seed: 0, signal: undefined, onProgress() {}, kernels: { backend } });
    const first = await fitOn("wasm-relaxed-simd");
    const second = await fitOn("wasm-relaxed-simd");
    const d = first.diagnostics as unknown as Diagnostics;
    expect(d.kernels.backend).toBe("wasm-relaxed-simd");
    expect(second.diagnostics).toEqual(first.diagnostics);
    for (const [k, axis] of axes.entries())
      expect(factorColumns(second, axis, k === 0 ? "score" : "factor", 3)).toEqual(
        factorColumns(first, axis, k === 0 ? "score" : "factor", 3),
      );
    expect(d.fit.toFixed(5)).toBe("0.97495");
    expectClose(d.relative_error_history, c.expected.relative_error_history, 1e-9, 0, "history");
    expectClose(d.weights, c.expected.weights, 1e-6, 0, "weights");
    const simd = (await fitOn("wasm-simd")).diagnostics as unknown as Diagnostics;
    expectClose(d.relative_error_history, simd.relative_error_history, 1e-9, 0, "vs SIMD128");
  });
});
