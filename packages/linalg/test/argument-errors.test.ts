import { ArgumentError, DataError, isTensorToolsError } from "@tt/schema";
import { describe, expect, it } from "vitest";
import {
  createKernels,
  gram,
  khatriRao,
  matmul,
  matmulTransA,
  mttkrpFromPartial,
  qr,
  svdFlip,
  svdSmall,
  symmetricEigen,
} from "../src/index.js";

/** What `run` throws or rejects with; fails when it succeeds. */
async function failure(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

/** Checks that `error` is an ArgumentError of `where` and `parameter` whose message matches. */
function expectArgumentError(error: unknown, where: string, parameter: string, message: RegExp) {
  expect(isTensorToolsError(error, "argument"), String(error)).toBe(true);
  expect(error).toBeInstanceOf(ArgumentError);
  expect(error).toMatchObject({ tag: "argument", name: "ArgumentError", where, parameter });
  expect((error as Error).message.startsWith(`${where}: `)).toBe(true);
  expect((error as Error).message).toMatch(message);
}

describe("misuse of the dense routines is an ArgumentError naming the function and parameter", () => {
  const six = new Float64Array(6);
  /** Each case: the function, the parameter at fault, the message, and the call. */
  const cases: [string, string, RegExp, () => unknown][] = [
    ["matmul", "B", /B has 5 elements/, () => matmul(six, 2, 3, new Float64Array(5), 2)],
    ["matmul", "A", /columns of A must be a non-negative/, () => matmul(six, 2, 1.5, six, 1)],
    ["matmul", "A", /A must be a Float64Array/, () => matmul([1] as never, 1, 1, six, 1)],
    ["matmulTransA", "B", /B has 8/, () => matmulTransA(six, 3, 2, new Float64Array(8), 4)],
    ["gram", "A", /A has 5 elements, expected 2 x 3/, () => gram(new Float64Array(5), 2, 3)],
    ["qr", "A", /needs rows >= columns, got 2 x 3/, () => qr(six, 2, 3)],
    ["svdSmall", "A", /A has 5 elements/, () => svdSmall(new Float64Array(5), 2, 3)],
    [
      "svdFlip",
      "Vt",
      /Vt \(5 elements\)/,
      () => svdFlip(new Float64Array(4), six.subarray(4), six.subarray(1)),
    ],
    [
      "svdFlip",
      "U",
      /U \(5 elements\)/,
      () => svdFlip(new Float64Array(5), six.subarray(4), six.subarray(2)),
    ],
    ["symmetricEigen", "S", /S has 6 elements, expected 3 x 3/, () => symmetricEigen(six, 3)],
    ["khatriRao", "factors", /needs at least one factor/, () => khatriRao([], 2)],
    ["khatriRao", "factors", /not a multiple of/, () => khatriRao([new Float64Array(3)], 2)],
    ["khatriRao", "rank", /rank must be a non-negative integer/, () => khatriRao([six], -1)],
    [
      "mttkrpFromPartial",
      "mode",
      /mode must be an integer from 0 to 1, got 2/,
      () => mttkrpFromPartial(new Float64Array(12), [2, 3], [six, six], 2, 2),
    ],
    [
      "mttkrpFromPartial",
      "factors",
      /has 1 factors for 2 dims/,
      () => mttkrpFromPartial(new Float64Array(12), [2, 3], [six], 0, 2),
    ],
    [
      "mttkrpFromPartial",
      "dims",
      /dims\[1\] must be a non-negative integer, got -3/,
      () => mttkrpFromPartial(new Float64Array(12), [2, -3], [six, six], 0, 2),
    ],
  ];
  it.each(cases)("%s with a bad %s: %s", async (where, parameter, message, run) => {
    expectArgumentError(await failure(run), where, parameter, message);
  });
});

describe("bad values stay a DataError: the arguments fit, the numbers do not", () => {
  const cases: [string, RegExp, () => unknown][] = [
    ["svdSmall", /A\[0, 1\] is NaN/, () => svdSmall(Float64Array.from([1, Number.NaN]), 1, 2)],
    [
      "symmetricEigen",
      /S\[0, 1\] is Infinity/,
      () => symmetricEigen(Float64Array.from([1, Number.POSITIVE_INFINITY, 0, 1]), 2),
    ],
    ["symmetricEigen", /not symmetric/, () => symmetricEigen(Float64Array.from([1, 2, 3, 4]), 2)],
  ];
  it.each(cases)("%s: %s", async (where, message, run) => {
    const error = await failure(run);
    expect(isTensorToolsError(error, "data"), String(error)).toBe(true);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).where).toBe(where);
    expect((error as Error).message).toMatch(message);
  });
});

describe("misuse of the kernels is an ArgumentError on every backend", () => {
  it.each(["js", "wasm-simd"] as const)("%s", async (backend) => {
    const kernels = await createKernels({ backend, threads: 1 });
    const A = kernels.allocMatrix(4, 3, "float64");
    expectArgumentError(
      await failure(() => kernels.multiply(A, new Float64Array(5), 2)),
      "multiply",
      "B",
      /B has 5 elements, expected 3 x 2 = 6/,
    );
    expectArgumentError(
      await failure(() => kernels.affineColumns(A, new Float64Array(2), new Float64Array(3))),
      "affineColumns",
      "shift",
      /shift has 2 elements, expected 3/,
    );
    expectArgumentError(
      await failure(() =>
        kernels.moments(A, new Float64Array(3), {
          columnSums: new Float64Array(3),
          columnSumSquares: new Float64Array(2),
        }),
      ),
      "moments",
      "into",
      /into.columnSumSquares has 2 elements/,
    );
    expectArgumentError(
      await failure(() => kernels.mttkrp(A, [2, 2], [new Float64Array(4)], 0, 1)),
      "mttkrp",
      "dims",
      /dims \[2, 2\] multiply to 4, but A has 3 columns/,
    );
    expectArgumentError(
      await failure(() => kernels.allocMatrix(2, 2, "int8" as "float32")),
      "allocMatrix",
      "dtype",
      /dtype must be "float32" or "float64", got int8/,
    );
    expectArgumentError(
      await failure(() => A.withRows(5)),
      "KernelMatrix.withRows",
      "rows",
      /rows must be an integer from 0 to 4/,
    );
    expectArgumentError(
      await failure(() => kernels.freeMatrix(A.withRows(2))),
      "freeMatrix",
      "matrix",
      /matrix is a view made by withRows/,
    );
    kernels.freeMatrix(A);
    expectArgumentError(await failure(() => kernels.gram(A)), "gram", "A", /gram: A was freed/);
    expectArgumentError(
      await failure(() => A.data),
      "KernelMatrix.data",
      "this",
      /the matrix was freed/,
    );
    await kernels.dispose();
    expectArgumentError(
      await failure(() => kernels.allocMatrix(1, 1, "float64")),
      "allocMatrix",
      "this",
      /the kernels were disposed/,
    );
  });
});
