import { isTensorToolsError } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { openHdf5Sparse, openSparseArray } from "../src/index.js";
import { sparseFixture, vectorArray } from "./sparse-helpers.js";

// Every broken group of fixtures/hdf5-sparse/bad.h5, and the caller's mistakes: which error,
// naming the file and the group path (and the member at fault).
const bad = sparseFixture("bad.h5");
const csr = { compressed: "rows" } as const;

async function failure(work: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  const error = await work().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isTensorToolsError(error), String(error)).toBe(true);
  return error as Error & Record<string, unknown>;
}

/** Opens a group of bad.h5 and reads all of it. */
async function readAll(group: string, options = {}) {
  const array = await openHdf5Sparse(bad, group, { ...csr, ...options });
  try {
    return await array.read([null, null]);
  } finally {
    array.close();
  }
}

describe("broken sparse matrices are typed errors naming the file, group and member", () => {
  it.each([
    [
      "/indptr_length",
      "data",
      "indptr",
      /has 5 entries; a 3 x 4 matrix compressed by rows needs 3 \+ 1; it fits compressed: "columns"/,
    ],
    [
      "/indptr_last",
      "data",
      "indptr",
      /position 3 is 3; index pointers start at 0 and end at the number of entries \(4/,
    ],
    ["/data_length", "data", "indices", /has 4 entries where data has 3/],
    ["/float_indices", "data", "indices", /holds float32; positions must be integers/],
  ])("%s at opening: a %s error at %s", async (group, tag, member, message) => {
    const error = await failure(() => openHdf5Sparse(bad, group, csr));
    expect(error).toMatchObject({ tag, where: `${bad}:${group}/${member}` });
    expect(error.message).toMatch(message);
  });

  it.each([
    [
      "/indptr_decreasing",
      "indptr",
      /decreases at position 2: 3 then 2; index pointers must not decrease/,
    ],
    ["/indices_out_of_range", "indices", /entry 1 is 4, outside 0\.\.3/],
    ["/indices_negative", "indices", /entry 2 is -1, outside 0\.\.3/],
  ])("%s when read: a data error at %s", async (group, member, message) => {
    const error = await failure(() => readAll(group));
    expect(error).toMatchObject({ tag: "data", where: `${bad}:${group}/${member}` });
    expect(error.message).toMatch(message);
  });

  it("a missing member is not found, listing what the group holds", async () => {
    const error = await failure(() => openHdf5Sparse(bad, "/missing_indices", csr));
    expect(error).toMatchObject({ tag: "not-found", what: `${bad}:/missing_indices/indices` });
    expect(error.message).toContain("the group holds: data, indptr");
  });

  it("a group without a shape is not found unless the caller gives one, which must agree", async () => {
    const error = await failure(() => openHdf5Sparse(bad, "/no_shape", csr));
    expect(error).toMatchObject({ tag: "not-found", what: `${bad}:/no_shape/shape` });
    expect(error.message).toContain("neither a 'shape' dataset (10X) nor a 'shape' attribute");
    const given = await openHdf5Sparse(bad, "/no_shape", { ...csr, shape: [3, 4] });
    expect([...(await given.read([]))]).toEqual([1, 0, 0, 2, 0, 3, 0, 0, 0, 0, 4, 0]);
    given.close();
    const disagree = await failure(() =>
      openHdf5Sparse(bad, "/data_length", { ...csr, shape: [4, 3] }),
    );
    expect(disagree).toMatchObject({ tag: "data", where: `${bad}:/data_length` });
  });

  it("a shape attribute of three lengths is a data error", async () => {
    const error = await failure(() => openHdf5Sparse(bad, "/shape_3d", csr));
    expect(error).toMatchObject({ tag: "data", where: `${bad}:/shape_3d attribute shape` });
  });

  it.each([
    ["/not_sparse", "is a group of values"],
    ["/dense", "is a dataset (open a dense one with openHdf5Array)"],
    ["/nowhere", "does not exist"],
  ])(
    "%s is no sparse matrix: not found, listing the file's sparse matrices",
    async (group, what) => {
      const error = await failure(() => openHdf5Sparse(bad, group, csr));
      expect(error).toMatchObject({ tag: "not-found", what: `${bad}:${group}` });
      expect(error.message).toContain(`${bad}:${group} ${what}, not a compressed sparse matrix`);
      expect(error.available).toContain("/indptr_last");
    },
  );

  it("an anndata group that declares another encoding is no sparse matrix", async () => {
    const h5ad = sparseFixture("anndata.h5ad");
    const error = await failure(() => openHdf5Sparse(h5ad, "/obs", csr));
    expect(error).toMatchObject({ tag: "not-found", what: `${h5ad}:/obs` });
    expect(error.message).toContain("/X, /layers/counts, /layers/noncanonical");
  });
});

describe("the caller's layout", () => {
  it("must name compressed, and agree with the encoding the group declares", async () => {
    const h5ad = sparseFixture("anndata.h5ad");
    const none = await failure(() => openHdf5Sparse(h5ad, "/X", {} as never));
    expect(none).toMatchObject({ tag: "argument", parameter: "compressed" });
    const wrong = await failure(() => openHdf5Sparse(h5ad, "/layers/counts", csr));
    expect(wrong).toMatchObject({ tag: "argument", parameter: "compressed" });
    expect(wrong.message).toContain(
      `${h5ad}:/layers/counts declares encoding-type 'csc_matrix' (compressed by columns), but compressed: "rows" was given`,
    );
  });

  it("needs two distinct axis names and a shape of two lengths", async () => {
    const tenx = sparseFixture("tenx.h5");
    const names = await failure(() =>
      openHdf5Sparse(tenx, "/matrix", { compressed: "columns", dimensionNames: ["a", "a"] }),
    );
    expect(names).toMatchObject({ tag: "argument", parameter: "dimensionNames" });
    const vector = vectorArray(Int32Array.of(0), "int32");
    const members = { data: vector, indices: vector, indptr: vector };
    const shape = await failure(() => openSparseArray(members, { compressed: "rows", shape: [1] }));
    expect(shape).toMatchObject({ tag: "argument", parameter: "shape" });
  });

  it("reads into a target of the matrix's dtype only", async () => {
    const array = await openHdf5Sparse(sparseFixture("anndata.h5ad"), "/X", csr);
    const error = await failure(() => array.readInto!([null, null], new Float64Array(54), 0));
    expect(error).toMatchObject({ tag: "argument", parameter: "target" });
    const offset = await failure(() => array.readInto!([null, null], new Float32Array(54), 1));
    expect(offset).toMatchObject({ tag: "argument", parameter: "offset" });
    array.close();
  });

  it("stops a read when its signal is aborted", async () => {
    const array = await openHdf5Sparse(sparseFixture("anndata.h5ad"), "/X", csr);
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(array.read([null, null], { signal: controller.signal })).rejects.toThrow("stop");
    array.close();
  });
});
