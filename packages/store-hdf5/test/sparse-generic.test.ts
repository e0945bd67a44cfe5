import { type AxisSelection, allocate, type DType, gather, resolveSelection } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { openHdf5Sparse, openSparseArray } from "../src/index.js";
import { clusters, majorGroups, minorMap, pieces } from "../src/sparse-plan.js";
import { readSparse, type SparseReadLimits } from "../src/sparse-read.js";
import { vectorOfArray } from "../src/sparse-vectors.js";
import {
  groupOf,
  hdf5Bytes,
  numbers,
  random,
  randomSparse,
  type SparseParts,
  transposed,
  vectorArray,
} from "./sparse-helpers.js";

// Property tests: random matrices (CSR and CSC, shuffled and repeated indices, every index and
// pointer width) read through random selections equal the same selection of a dense copy, with
// the default read limits and with tiny ones that split every read into many pieces.
const DTYPES: [DType, DType, DType][] = [
  ["float32", "int32", "int32"],
  ["float64", "int64", "int64"],
  ["int32", "uint32", "int64"],
  ["float32", "int64", "uint32"],
];

function members(parts: SparseParts, dtypes: [DType, DType, DType]) {
  return {
    data: vectorArray(parts.data, dtypes[0]),
    indices: vectorArray(parts.indices, dtypes[1]),
    indptr: vectorArray(parts.indptr, dtypes[2]),
  };
}

/** A random selection of one axis: all, a range, or indices with repeats. */
function randomAxis(length: number, next: () => number): AxisSelection {
  const kind = next();
  if (kind < 0.25 || length === 0) return null;
  if (kind < 0.6) {
    const start = Math.floor(next() * length);
    return { start, stop: start + Math.floor(next() * (length - start + 1)) };
  }
  return Array.from({ length: 1 + Math.floor(next() * 6) }, () => Math.floor(next() * length));
}

const TINY: SparseReadLimits = { pieceEntries: 3, entryGap: 2, pointerSpan: 4, pointerGap: 2 };

describe("random sparse matrices read as their dense copies", () => {
  it.each(DTYPES.map((dtypes, i) => [i, dtypes] as const))(
    "case %i: data %j",
    async (seed, dtypes) => {
      const next = random(seed + 100);
      for (let trial = 0; trial < 12; trial++) {
        const shape: [number, number] = [1 + Math.floor(next() * 12), 1 + Math.floor(next() * 9)];
        const compressed = next() < 0.5 ? "rows" : "columns";
        const [dtype, indexDType, pointerDType] = dtypes;
        const parts = randomSparse({
          ...{ shape, compressed, fill: next() * 0.6, seed: seed * 1000 + trial },
          ...{ dtype, indexDType, pointerDType, messy: next() < 0.5 },
        });
        const transpose = next() < 0.5;
        const array = await openSparseArray(members(parts, dtypes), {
          compressed,
          shape,
          transpose,
        });
        const reported = transpose ? [shape[1], shape[0]] : shape;
        const dense = transpose
          ? Float64Array.from(transposed(parts.dense, ...shape))
          : parts.dense;
        for (let pick = 0; pick < 6; pick++) {
          const selection = [randomAxis(reported[0]!, next), randomAxis(reported[1]!, next)];
          const expected = [...gather(dense, reported, selection)];
          expect(numbers(await array.read(selection)), JSON.stringify(selection)).toEqual(expected);
          const positions = resolveSelection(reported, selection) as [Int32Array, Int32Array];
          const vectors = members(parts, dtypes);
          const source = {
            data: vectorOfArray(vectors.data, "data"),
            indices: vectorOfArray(vectors.indices, "indices"),
            indptr: vectorOfArray(vectors.indptr, "indptr"),
            nnz: parts.data.length,
            majorAxis: array.sparse.compressedAxis,
            shape: reported as [number, number],
          };
          const pieced = allocate(dtype, expected.length);
          await readSparse(source, positions, pieced, 0, undefined, TINY);
          expect(numbers(pieced), `tiny limits ${JSON.stringify(selection)}`).toEqual(expected);
        }
      }
    },
  );
});

describe("the read plan", () => {
  it("maps minor positions, with repeats and omissions", () => {
    expect(minorMap(Int32Array.of(0, 1, 2), 3).identity).toBe(true);
    const map = minorMap(Int32Array.of(2, 0, 2), 4);
    expect(map.identity).toBe(false);
    expect([...map.start]).toEqual([0, 1, 1, 3, 3]);
    expect([...map.out]).toEqual([1, 0, 2]);
  });

  it("groups major positions by stored position, ascending", () => {
    const groups = majorGroups(Int32Array.of(5, 1, 5, 3));
    expect([...groups.values]).toEqual([1, 3, 5]);
    expect([...groups.start]).toEqual([0, 1, 2, 4]);
    expect([...groups.out]).toEqual([1, 3, 0, 2]);
  });

  it("reads index pointers in clusters and entries in bounded pieces", () => {
    expect(clusters(Int32Array.of(0, 1, 2, 10, 11, 40), 4, 100)).toEqual([0, 3, 5, 6]);
    expect(clusters(Int32Array.of(0, 1, 2, 3, 4), 4, 2)).toEqual([0, 2, 4, 5]);
    const planned = pieces(
      [
        { group: 0, from: 0, to: 2 },
        { group: 1, from: 3, to: 3 },
        { group: 2, from: 4, to: 11 },
        { group: 3, from: 30, to: 31 },
      ],
      2,
      4,
    );
    expect(planned.map((p) => [p.start, p.stop, p.segments.map((s) => s.group)])).toEqual([
      [0, 2, [0]],
      [4, 8, [2]],
      [8, 11, [2]],
      [30, 31, [3]],
    ]);
  });
});

describe("the same matrix from an HDF5 file", () => {
  it("reads as from memory, CSR and CSC alike", async () => {
    for (const compressed of ["rows", "columns"] as const) {
      const parts = randomSparse({ shape: [40, 25], compressed, fill: 0.2, seed: 7, messy: true });
      const bytes = await hdf5Bytes([groupOf("/m", parts)]);
      const array = await openHdf5Sparse(bytes, "/m", { compressed });
      expect(numbers(await array.read([]))).toEqual([...parts.dense]);
      const rows = [39, 0, 17, 17];
      expect(numbers(await array.read([rows, null]))).toEqual([
        ...gather(parts.dense, [40, 25], [rows, null]),
      ]);
      array.close();
    }
  });
});
