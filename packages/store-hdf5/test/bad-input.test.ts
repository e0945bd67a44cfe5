import { readFileSync } from "node:fs";
import { isTensorToolsError } from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { createDirectoryStore } from "@tt/storage/fs";
import { describe, expect, it } from "vitest";
import { hdf5Store, openHdf5Array } from "../src/index.js";
import { expected, FIXTURES, fixture } from "./fixtures.js";

const file = fixture("datasets.h5");

/** The error `work` rejects with (the test fails if it resolves). */
async function failure(work: Promise<unknown>): Promise<Error & { tag?: string }> {
  try {
    await work;
  } catch (error) {
    return error as Error & { tag?: string };
  }
  throw new Error("expected a rejection");
}

describe("paths that are not datasets", () => {
  it("a group is not-found, naming the file, the path and the datasets under it", async () => {
    const error = await failure(openHdf5Array(file, "/group"));
    expect(isTensorToolsError(error, "not-found")).toBe(true);
    expect(error.message).toBe(
      `${file}:/group is a group, not a dataset; the datasets under it: /group/inner`,
    );
  });

  it("a missing path is not-found, naming the file and the path and listing datasets", async () => {
    const error = await failure(openHdf5Array(file, "float32/missing"));
    expect(isTensorToolsError(error, "not-found")).toBe(true);
    expect(error.message).toMatch(
      new RegExp(
        `^${file}:/float32/missing: no such dataset; the file's datasets: /bool, /empty, `,
      ),
    );
    expect((error as { available?: string[] }).available).toContain("/float32/chunked_gzip");
  });

  it("a path under a missing group is not-found too", async () => {
    const error = await failure(openHdf5Array(file, "/no/such/group/x"));
    expect(error).toMatchObject({ tag: "not-found", what: `${file}:/no/such/group/x` });
  });

  it("a file of several datasets opened without a path asks for one", async () => {
    const error = await failure(openHdf5Array(file));
    expect(error.tag).toBe("not-found");
    expect(error.message).toMatch(
      new RegExp(`^${file} holds 49 datasets; name the one to open: /bool, `),
    );
  });

  it("through a store, a missing file is not-found naming the store and the key", async () => {
    const error = await failure(hdf5Store.open(createMemoryStore(), "arrays/none.h5:/x"));
    expect(error).toMatchObject({
      tag: "not-found",
      message: "no HDF5 file 'arrays/none.h5' in memory://",
    });
    const missing = await failure(openHdf5Array(`${FIXTURES}/none.h5`, "/x"));
    expect(missing).toMatchObject({ tag: "not-found", message: `no file '${FIXTURES}/none.h5'` });
  });
});

describe("types no tensor holds are unsupported, naming the file, the path and the type", () => {
  const cases: [string, RegExp][] = [
    ["compound", /holds a compound of \(a, b\)/],
    ["complex", /holds complex numbers, stored as a compound of \(r, i\)/],
    ["fixed_string", /holds fixed-length strings of 5 bytes/],
    ["vlen_string", /holds variable-length strings/],
    ["vlen_int", /holds variable-length sequences/],
    ["float16", /holds a 16-bit float/],
    ["enum", /holds an enum of (RED|GREEN|BLUE), (RED|GREEN|BLUE), (RED|GREEN|BLUE)/],
    ["array", /holds an array type/],
  ];
  it("covers every unsupported dataset of the fixture", () => {
    const names = Object.keys(expected["datasets.h5"].unsupported).map((n) =>
      n.slice("unsupported/".length),
    );
    expect(names.sort()).toEqual([...cases.map(([n]) => n), "scalar"].sort());
  });
  for (const [name, reason] of cases) {
    it(name, async () => {
      const error = await failure(openHdf5Array(file, `unsupported/${name}`));
      expect(isTensorToolsError(error, "unsupported")).toBe(true);
      expect(error.message.startsWith(`${file}:/unsupported/${name}: the dataset `)).toBe(true);
      expect(error.message).toMatch(reason);
      expect(error.message).toMatch(
        /the store reads float32, float64, int8\.\.int64, uint8\.\.uint64/,
      );
    });
  }
  it("scalar (a dataset without axes)", async () => {
    const error = await failure(openHdf5Array(file, "unsupported/scalar"));
    expect(error).toMatchObject({
      tag: "unsupported",
      message: `${file}:/unsupported/scalar is a scalar (no axes); a tensor has at least one axis`,
    });
  });
});

describe("files that are not (whole) HDF5 files", () => {
  it("a truncated file is a data error naming the file, the path and both lengths", async () => {
    const truncated = fixture("truncated.h5");
    const { bytes, of } = expected["truncated.h5"];
    const error = await failure(openHdf5Array(truncated, "/float32/contiguous"));
    expect(error).toMatchObject({
      tag: "data",
      where: `${truncated}:/float32/contiguous`,
      message: `${truncated}:/float32/contiguous: the file is truncated: it has ${bytes} bytes where its superblock says ${of}`,
    });
  });

  it("a file that is not HDF5 is a data error naming the file and the path", async () => {
    const text = fixture("not-hdf5.h5");
    const error = await failure(openHdf5Array(text, "/x"));
    expect(error).toMatchObject({
      tag: "data",
      where: `${text}:/x`,
      message: `${text}:/x: not an HDF5 file: no HDF5 signature at byte 0 or at the end of a user block (512, 1024, ...)`,
    });
    const viaStore = await failure(
      hdf5Store.open(createDirectoryStore(FIXTURES), "not-hdf5.h5:/x"),
    );
    expect(viaStore).toMatchObject({ tag: "data", where: `${FIXTURES}/not-hdf5.h5:/x` });
  });

  it("bytes cut inside the superblock are a data error", async () => {
    const head = new Uint8Array(readFileSync(file)).subarray(0, 40);
    const error = await failure(openHdf5Array(head, "/bool"));
    expect(error).toMatchObject({ tag: "data", where: "<bytes>:/bool" });
    expect(error.message).toMatch(
      /^<bytes>:\/bool: (HDF5 cannot open the file|the file is truncated)/,
    );
  });

  it("bad dimension names and bad inputs are argument errors", async () => {
    await expect(openHdf5Array(file, "bool", { dimensionNames: ["a"] })).rejects.toMatchObject({
      tag: "argument",
      parameter: "dimensionNames",
    });
    await expect(openHdf5Array(file, "bool", { dimensionNames: ["a", "a"] })).rejects.toMatchObject(
      {
        tag: "argument",
      },
    );
    await expect(openHdf5Array(42 as never, "bool")).rejects.toMatchObject({
      tag: "argument",
      parameter: "file",
    });
  });

  it("reads after close fail", async () => {
    const array = await openHdf5Array(file, "bool");
    array.close();
    array.close();
    await expect(array.read([])).rejects.toThrow();
  });
});
