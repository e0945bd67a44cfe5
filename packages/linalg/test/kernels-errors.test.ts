import { availableParallelism } from "node:os";
import { isTensorToolsError } from "@tt/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKernels, type KernelBackend, type Kernels } from "../src/index.js";

/** The rejection of a promise (or the throw of a function), to inspect its class and message. */
async function failure(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe("kernel argument checks", () => {
  let kernels: Kernels;
  beforeAll(async () => {
    kernels = await createKernels({ backend: "wasm-simd", threads: 1 });
  });
  afterAll(() => kernels.dispose());

  it("reject mismatched sizes with an ArgumentError naming the operand", async () => {
    const A = kernels.allocMatrix(4, 3, "float32");
    const error = await failure(() => kernels.multiply(A, new Float64Array(5), 2));
    expect(isTensorToolsError(error, "argument")).toBe(true);
    expect(error).toMatchObject({ where: "multiply", parameter: "B" });
    expect(String(error)).toMatch(/multiply: B has 5 elements, expected 3 x 2 = 6/);
    await expect(kernels.multiplyTransA(A, new Float64Array(6), 2)).rejects.toThrow(
      /multiplyTransA: T has 6 elements, expected 4 x 2 = 8/,
    );
    await expect(
      kernels.multiplyTransA(A, new Float64Array(8), 2, new Float64Array(5)),
    ).rejects.toThrow(/multiplyTransA: into has 5 elements, expected 3 x 2 = 6/);
    await expect(kernels.normalProduct(A, new Float64Array(4), 2)).rejects.toThrow(
      /normalProduct: Y has 4 elements, expected 3 x 2 = 6/,
    );
    await expect(kernels.gram(A, new Float64Array(4))).rejects.toThrow(
      /gram: into has 4 elements, expected 3 x 3 = 9/,
    );
    await expect(kernels.multiply(A, new Float64Array(3), 1.5)).rejects.toThrow(
      /multiply: l must be a non-negative integer, got 1.5/,
    );
    await expect(kernels.multiply(A, [1, 2, 3] as unknown as Float64Array, 1)).rejects.toThrow(
      /B must be a Float64Array/,
    );
    kernels.freeMatrix(A);
  });

  it("reject shift, scale and running sums of the wrong length", async () => {
    const A = kernels.allocMatrix(2, 3, "float64");
    const three = new Float64Array(3);
    await expect(kernels.affineColumns(A, new Float64Array(2), three)).rejects.toThrow(
      /affineColumns: shift has 2 elements, expected 3 \(one per column of A\)/,
    );
    await expect(kernels.affineColumns(A, three, new Float64Array(4))).rejects.toThrow(
      /affineColumns: scale has 4 elements, expected 3/,
    );
    await expect(kernels.moments(A, new Float64Array(1))).rejects.toThrow(
      /moments: shift has 1 elements, expected 3/,
    );
    await expect(
      kernels.moments(A, three, { columnSums: three, columnSumSquares: new Float64Array(2) }),
    ).rejects.toThrow(/moments: into.columnSumSquares has 2 elements, expected 3/);
    kernels.freeMatrix(A);
  });

  it("reject freed matrices, their views and double frees", async () => {
    const A = kernels.allocMatrix(4, 2, "float64");
    const view = A.withRows(2);
    kernels.freeMatrix(A);
    const error = await failure(() => kernels.multiply(A, new Float64Array(2), 1));
    expect(isTensorToolsError(error, "argument")).toBe(true);
    expect(error).toMatchObject({ where: "multiply", parameter: "A" });
    expect(String(error)).toMatch(/multiply: A was freed/);
    await expect(kernels.gram(view)).rejects.toThrow(/gram: A was freed/);
    expect(() => A.data).toThrow(/KernelMatrix.data: the matrix was freed/);
    expect(() => A.withRows(1)).toThrow(/the matrix was freed/);
    expect(() => kernels.freeMatrix(A)).toThrow(/freeMatrix: matrix was freed/);
  });

  it("reject views passed to freeMatrix, bad row counts and foreign matrices", async () => {
    const A = kernels.allocMatrix(4, 2, "float32");
    expect(() => kernels.freeMatrix(A.withRows(3))).toThrow(
      /matrix is a view made by withRows: free the matrix it was made from/,
    );
    expect(() => A.withRows(5)).toThrow(
      /rows must be an integer from 0 to 4 \(the rows allocated\), got 5/,
    );
    expect(() => A.withRows(-1)).toThrow(/got -1/);
    const other = await createKernels({ backend: "js" });
    const foreign = other.allocMatrix(4, 2, "float32");
    await expect(kernels.multiply(foreign, new Float64Array(2), 1)).rejects.toThrow(
      /multiply: A is not a matrix of these kernels: allocate it with this instance's allocMatrix/,
    );
    await other.dispose();
    await expect(other.multiply(foreign, new Float64Array(2), 1)).rejects.toThrow(
      /multiply: the kernels were disposed/,
    );
    expect(() => other.allocMatrix(1, 1, "float32")).toThrow(
      /allocMatrix: the kernels were disposed/,
    );
    expect(() => foreign.data).toThrow(/the matrix was freed/);
    kernels.freeMatrix(A);
  });

  it("reject bad allocations", () => {
    expect(() => kernels.allocMatrix(-1, 2, "float32")).toThrow(
      /allocMatrix: rows must be a non-negative integer, got -1/,
    );
    expect(() => kernels.allocMatrix(2, 2.5, "float32")).toThrow(
      /cols must be a non-negative integer/,
    );
    expect(() => kernels.allocMatrix(2, 2, "int8" as "float32")).toThrow(
      /dtype must be "float32" or "float64", got int8/,
    );
    const error = (() => {
      try {
        kernels.allocMatrix(40000, 40000, "float32");
      } catch (caught) {
        return caught;
      }
    })();
    expect(isTensorToolsError(error, "unsupported")).toBe(true);
    expect(String(error)).toMatch(/WebAssembly \(wasm32\) memory is limited to 4 GiB/);
  });
});

describe("createKernels", () => {
  it("rejects an unknown backend or a bad thread count with a ConfigError", async () => {
    const error = await failure(() => createKernels({ backend: "gpu" as KernelBackend }));
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect(String(error)).toMatch(
      /config 'backend': must be "auto", "wasm-relaxed-simd", "wasm-simd" or "js", got "gpu"/,
    );
    await expect(createKernels({ threads: 0 })).rejects.toThrow(
      /config 'threads': must be a positive integer, got 0/,
    );
  });

  it("picks a wasm backend by default (SIMD128 on Node 20 without flags), a thread per core", async () => {
    const kernels = await createKernels();
    const relaxed = process.execArgv.includes("--experimental-wasm-relaxed-simd");
    expect(kernels.backend).toBe(relaxed ? "wasm-relaxed-simd" : "wasm-simd");
    expect(kernels.threads).toBe(availableParallelism());
    await kernels.dispose();
  });
});
