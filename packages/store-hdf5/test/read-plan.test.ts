import { allocate, gather, resolveSelection, sizeOf } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { type Box, planBoxes } from "../src/read-plan.js";
import { scatter } from "../src/scatter.js";

/** A seeded generator of integers below `n` (xorshift32). */
function random(seed: number) {
  let state = seed >>> 0 || 1;
  return (n: number) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
}

/** Reads `positions` of C-order `data` of `shape` by executing the plan: box reads, then scatter. */
function execute(
  data: Float64Array,
  shape: number[],
  boxes: Box[],
  positions: Int32Array[],
  reversed: boolean,
) {
  const lengths = positions.map((p) => p.length);
  const reported = reversed ? [...lengths].reverse() : lengths;
  const strides = reported.map((_, a) => sizeOf(reported.slice(a + 1)));
  const out = allocate("float64", sizeOf(lengths));
  for (const box of boxes) {
    const read = gather(
      data,
      shape,
      box.map((axis) => ({ start: axis.start, stop: axis.start + axis.count })),
    );
    scatter(read, box, out, 0, reversed ? [...strides].reverse() : strides);
  }
  return out;
}

/** The chunks (as "i,j,k" keys) a box covers. */
function chunksOf(box: Box, chunks: number[]): string[] {
  let keys = [""];
  box.forEach((axis, a) => {
    const first = Math.floor(axis.start / chunks[a]!);
    const last = Math.floor((axis.start + axis.count - 1) / chunks[a]!);
    keys = keys.flatMap((k) =>
      Array.from({ length: last - first + 1 }, (_, i) => `${k}${first + i},`),
    );
  });
  return keys;
}

describe("read plans", () => {
  const next = random(20260);
  const cases = Array.from({ length: 60 }, (_, c) => {
    const rank = 1 + next(3);
    const shape = Array.from({ length: rank }, () => 1 + next(13));
    const chunks = c % 4 === 0 ? null : shape.map((n) => 1 + next(n));
    const selection = shape.map((n) => {
      const kind = next(3);
      if (kind === 0) return null;
      if (kind === 1) {
        const start = next(n);
        return { start, stop: start + next(n - start + 1) };
      }
      return Array.from({ length: next(2 * n) }, () => next(n));
    });
    return { shape, chunks, selection, limit: next(2) === 0 ? 8 : 1 << 20 };
  });

  it("read exactly what gather picks, for random shapes, chunks, selections and size limits", () => {
    for (const { shape, chunks, selection, limit } of cases) {
      const data = Float64Array.from({ length: sizeOf(shape) }, (_, i) => i + 0.5);
      const positions = resolveSelection(shape, selection);
      const boxes = planBoxes(shape, chunks, positions, 8, limit);
      expect(execute(data, shape, boxes, positions, false)).toEqual(gather(data, shape, selection));
    }
  });

  it("read a reversed (MATLAB-order) selection as gather picks it from the transposed array", () => {
    for (const { shape, chunks, selection } of cases) {
      const data = Float64Array.from({ length: sizeOf(shape) }, (_, i) => i);
      const reported = [...shape].reverse();
      const transposed = allocate("float64", data.length);
      const all = reported.map((n) => ({ start: 0, stop: n }));
      const positions = resolveSelection(reported, all).reverse();
      execute(
        data,
        shape,
        planBoxes(shape, chunks, positions, 8, 1 << 20),
        positions,
        true,
      ).forEach((v, i) => {
        transposed[i] = v;
      });
      const wanted = resolveSelection(reported, [...selection].reverse());
      const boxes = planBoxes(shape, chunks, [...wanted].reverse(), 8, 1 << 20);
      expect(execute(data, shape, boxes, [...wanted].reverse(), true)).toEqual(
        gather(transposed, reported, [...selection].reverse()),
      );
    }
  });

  it("touch only chunks that hold a selected element, each in one box", () => {
    for (const { shape, chunks, selection, limit } of cases) {
      if (chunks === null) continue;
      const positions = resolveSelection(shape, selection);
      const wanted = new Set<string>();
      const index = (p: number[]) => p.map((v, a) => `${Math.floor(v / chunks[a]!)},`).join("");
      const walk = (prefix: number[]) => {
        if (prefix.length === shape.length) wanted.add(index(prefix));
        else for (const v of positions[prefix.length]!) walk([...prefix, v]);
      };
      walk([]);
      const touched = planBoxes(shape, chunks, positions, 8, limit).flatMap((box) =>
        chunksOf(box, chunks),
      );
      expect(new Set(touched).size).toBe(touched.length);
      expect(new Set(touched)).toEqual(wanted);
    }
  });

  it("read a range as one box, and rows of separate chunks as separate boxes", () => {
    const shape = [100, 6];
    const range = planBoxes(
      shape,
      [10, 6],
      resolveSelection(shape, [{ start: 5, stop: 95 }]),
      4,
      1 << 20,
    );
    expect(range.map((box) => box.map((a) => [a.start, a.count]))).toEqual([
      [
        [5, 90],
        [0, 6],
      ],
    ]);
    const rows = planBoxes(
      shape,
      [10, 6],
      resolveSelection(shape, [[57, 3, 55, 3, 90]]),
      4,
      1 << 20,
    );
    expect(rows.map((box) => [box[0]!.start, box[0]!.count])).toEqual([
      [3, 1],
      [55, 3],
      [90, 1],
    ]);
    const contiguous = planBoxes(
      shape,
      null,
      resolveSelection(shape, [
        [4, 5, 7],
        [5, 0],
      ]),
      4,
      1 << 20,
    );
    expect(contiguous.map((box) => box.map((a) => [a.start, a.count]))).toEqual([
      [
        [4, 2],
        [0, 6],
      ],
      [
        [7, 1],
        [0, 6],
      ],
    ]);
  });

  it("cut a large box at chunk boundaries to stay under the size limit", () => {
    const shape = [1000, 10];
    const boxes = planBoxes(shape, [64, 10], resolveSelection(shape, []), 4, 64 * 10 * 4 * 3);
    expect(boxes.map((box) => box[0]!.start)).toEqual([0, 192, 384, 576, 768, 960]);
    expect(boxes.map((box) => box[0]!.count)).toEqual([192, 192, 192, 192, 192, 40]);
  });
});
