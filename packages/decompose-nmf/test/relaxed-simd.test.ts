/**
 * NMF on the relaxed-SIMD kernels (fused multiply-add), as `tt` runs them: the same fit twice
 * gives the same bits, and every golden case stays within the tolerance of the numpy reference.
 * This file's test process turns relaxed SIMD on for Node 20, as `tt` does at startup, before
 * anything compiles WebAssembly (vitest runs each test file in a process of its own).
 */

import { setFlagsFromString } from "node:v8";
import type { MethodOutput } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { nmf } from "../src/index.js";
import { goldenCases, goldenView, maxDifference, scoresOf } from "./helpers.js";

setFlagsFromString("--experimental-wasm-relaxed-simd");

describe("NMF on the relaxed-SIMD kernels", () => {
  it.each([...goldenCases().keys()])("%s: repeatable, within 1e-9 of numpy", async (name) => {
    const c = goldenCases().get(name)!;
    const k = c.config.rank as number;
    const fitRelaxed = (): Promise<MethodOutput> =>
      nmf.fit(goldenView(c), nmf.validate(c.config), {
        seed: 0,
        signal: undefined,
        onProgress() {},
        kernels: { backend: "wasm-relaxed-simd" },
      });
    const first = await fitRelaxed();
    const second = await fitRelaxed();
    const d = first.diagnostics as Record<string, unknown>;
    expect((d.kernels as { backend: string }).backend).toBe("wasm-relaxed-simd");
    expect(second.diagnostics).toEqual(first.diagnostics);
    expect(scoresOf(second, k)).toEqual(scoresOf(first, k));
    expect(d.n_iter).toBe(c.expected.n_iter);
    const W = scoresOf(first, k);
    expect(maxDifference(W, c.expected.W) / Math.max(...c.expected.W)).toBeLessThan(1e-9);
    const H = first.componentTensors.components!.data as Float64Array;
    expect(maxDifference(H, c.expected.H) / Math.max(...c.expected.H)).toBeLessThan(1e-9);
  });
});
