/** The seeded generators: pinned against an independent Python implementation of the algorithm. */

import { describe, expect, it } from "vitest";
import { normalGenerator, uniformGenerator } from "../src/index.js";

describe("uniformGenerator", () => {
  it("gives the values of xoshiro128** seeded by splitmix32 (Python reference, exact)", () => {
    // Python ints, masked to 32 bits: the same algorithm written independently of this code.
    const uniform = uniformGenerator(42);
    expect([uniform(), uniform(), uniform(), uniform()]).toEqual([
      0.6606157208001622, 0.11170196395322246, 0.07910564561449146, 0.015209237180418056,
    ]);
    const zero = uniformGenerator(0);
    expect([zero(), zero()]).toEqual([0.8868539502021595, 0.01247498894659066]);
  });

  it("stays in (0, 1) and repeats for the same seed", () => {
    const a = uniformGenerator(7);
    const b = uniformGenerator(7);
    for (let i = 0; i < 10_000; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x > 0 && x < 1).toBe(true);
    }
  });
});

describe("normalGenerator", () => {
  it("is Box-Muller (cosine, then sine) over the uniforms of the same seed", () => {
    const normal = normalGenerator(42);
    // Python's math.cos/sin of the reference uniforms; libm and V8 may differ in the last bit.
    expect(normal()).toBeCloseTo(0.6953712153418402, 15);
    expect(normal()).toBeCloseTo(0.5878986391985579, 15);
    const uniform = uniformGenerator(42);
    uniform();
    uniform();
    const radius = Math.sqrt(-2 * Math.log(uniform()));
    const angle = 2 * Math.PI * uniform();
    expect(normal()).toBe(radius * Math.cos(angle));
    expect(normal()).toBe(radius * Math.sin(angle));
  });

  it("has mean 0 and variance 1 within sampling error", () => {
    const normal = normalGenerator(3);
    const n = 20_000;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const x = normal();
      sum += x;
      squares += x * x;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(squares / n - 1)).toBeLessThan(0.04);
  });
});
