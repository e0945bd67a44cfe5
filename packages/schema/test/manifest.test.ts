import { describe, expect, it } from "vitest";
import {
  changesSince,
  InvalidManifestError,
  isTensorToolsError,
  type Manifest,
  parseManifest,
  validateManifest,
} from "../src/index.js";

const valid = (): Manifest => ({
  schema_version: "0.1.0",
  tensor_name: "data",
  shape: [42337, 1793, 3],
  dtype: "float32",
  axes: ["instance", "sample", "channel"],
  axis_index_columns: { instance: "instance_id", sample: "sample_index", channel: "channel_id" },
  meta_files: {
    instance: "meta/instance.parquet",
    sample: "meta/sample.parquet",
    channel: "meta/channel.parquet",
  },
  array_store: "arrays/data.zarr",
  mask_store: "arrays/masks.zarr",
  attrs: { creator: "example-package", version: "0.1.0" },
});

function expectInvalid(mutate: (m: Record<string, unknown>) => void, field: string, says: RegExp) {
  const manifest = valid() as Record<string, unknown>;
  mutate(manifest);
  let error: unknown;
  try {
    validateManifest(manifest);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(InvalidManifestError);
  expect(isTensorToolsError(error, "manifest")).toBe(true);
  const e = error as InvalidManifestError;
  expect(e.field).toBe(field);
  expect(e.message).toContain(`'${field}'`);
  expect(e.message).toMatch(says);
}

describe("validateManifest", () => {
  it("accepts the manifest of the spec and returns it typed", () => {
    const manifest = validateManifest(valid());
    expect(manifest.axes).toEqual(["instance", "sample", "channel"]);
    expect(manifest.shape).toEqual([42337, 1793, 3]);
  });

  it("preserves keys it does not know, so a rewrite keeps them", () => {
    const manifest = { ...valid(), future_key: { nested: [1, 2] }, producer: "other-tool" };
    const checked = validateManifest(manifest);
    expect(JSON.parse(JSON.stringify(checked))).toEqual(manifest);
  });

  it("accepts optional partitions and no mask store", () => {
    const manifest = valid() as Record<string, unknown>;
    delete manifest.mask_store;
    manifest.partitions = {
      files: "partitions/files.parquet",
      groups: "partitions/groups.parquet",
    };
    expect(validateManifest(manifest).partitions?.files).toBe("partitions/files.parquet");
  });

  it("rejects a manifest that is not an object", () => {
    for (const bad of [null, [], "manifest", 3]) {
      expect(() => validateManifest(bad)).toThrow(/must be a JSON object/);
    }
  });

  it.each([
    "schema_version",
    "tensor_name",
    "shape",
    "dtype",
    "axes",
    "axis_index_columns",
    "meta_files",
    "array_store",
  ])("rejects a manifest missing the required field %s", (field) =>
    expectInvalid((m) => delete m[field], field, /required but missing/),
  );

  const cases: [string, (m: Record<string, unknown>) => void, string, RegExp][] = [
    [
      "schema_version of the wrong type",
      (m) => (m.schema_version = 1),
      "schema_version",
      /must be a string/,
    ],
    [
      "an unsupported schema version",
      (m) => (m.schema_version = "9.0.0"),
      "schema_version",
      /not supported; this library reads 0\.1\.0/,
    ],
    ["an empty tensor name", (m) => (m.tensor_name = ""), "tensor_name", /non-empty string/],
    ["shape that is not an array", (m) => (m.shape = "42337x1793"), "shape", /must be an array/],
    [
      "a negative axis length",
      (m) => (m.shape = [10, -1, 3]),
      "shape[1]",
      /non-negative integer, got number -1/,
    ],
    [
      "a fractional axis length",
      (m) => (m.shape = [10, 2.5, 3]),
      "shape[1]",
      /non-negative integer/,
    ],
    [
      "an unknown dtype",
      (m) => (m.dtype = "complex64"),
      "dtype",
      /unknown dtype string "complex64"; expected one of float32, float64/,
    ],
    [
      "axes that are not strings",
      (m) => (m.axes = ["instance", 7, "channel"]),
      "axes[1]",
      /non-empty string, got number 7/,
    ],
    [
      "duplicate axis names",
      (m) => (m.axes = ["instance", "sample", "instance"]),
      "axes[2]",
      /duplicates axes\[0\]/,
    ],
    [
      "shape and axes of different lengths",
      (m) => (m.axes = ["instance", "sample"]),
      "axes",
      /2 names but shape has 3 lengths/,
    ],
    [
      "axis_index_columns that is not an object",
      (m) => (m.axis_index_columns = ["instance_id"]),
      "axis_index_columns",
      /object keyed by axis name/,
    ],
    [
      "axis_index_columns for an unknown axis",
      (m) => ((m.axis_index_columns as Record<string, string>).time = "t"),
      "axis_index_columns.time",
      /unknown axis 'time'; axes are instance, sample, channel/,
    ],
    [
      "an empty id column name",
      (m) => ((m.axis_index_columns as Record<string, string>).channel = ""),
      "axis_index_columns.channel",
      /non-empty column name/,
    ],
    [
      "an id column for an axis without a metadata table",
      (m) => delete (m.meta_files as Record<string, string>).channel,
      "axis_index_columns.channel",
      /meta_files has no table for axis 'channel'/,
    ],
    [
      "meta_files for an unknown axis",
      (m) => ((m.meta_files as Record<string, string>).trial = "meta/trial.parquet"),
      "meta_files.trial",
      /unknown axis 'trial'/,
    ],
    [
      "a metadata file with an absolute path",
      (m) => ((m.meta_files as Record<string, string>).instance = "/etc/passwd"),
      "meta_files.instance",
      /relative to the bundle, got absolute path/,
    ],
    [
      "a metadata file that leaves the bundle",
      (m) => ((m.meta_files as Record<string, string>).sample = "meta/../../other/sample.parquet"),
      "meta_files.sample",
      /stay inside the bundle.*'\.\.'/,
    ],
    [
      "an array store with an absolute path",
      (m) => (m.array_store = "/data/arrays/data.zarr"),
      "array_store",
      /absolute path/,
    ],
    [
      "an array store that leaves the bundle",
      (m) => (m.array_store = "../data.zarr"),
      "array_store",
      /stay inside the bundle/,
    ],
    [
      "an array store given as a URL",
      (m) => (m.array_store = "https://example.org/data.zarr"),
      "array_store",
      /got URL/,
    ],
    [
      "a Windows drive path",
      (m) => (m.mask_store = "C:\\bundle\\masks.zarr"),
      "mask_store",
      /separator|drive path/,
    ],
    [
      "an empty path segment",
      (m) => (m.array_store = "arrays//data.zarr"),
      "array_store",
      /empty segments/,
    ],
    [
      "two entries sharing one path",
      (m) => (m.mask_store = "arrays/./data.zarr"),
      "mask_store",
      /also used by array_store/,
    ],
    [
      "partitions that is not an object",
      (m) => (m.partitions = "partitions/files.parquet"),
      "partitions",
      /object of name -> path/,
    ],
    [
      "a partition path that leaves the bundle",
      (m) => (m.partitions = { files: "../files.parquet" }),
      "partitions.files",
      /stay inside the bundle/,
    ],
    [
      "a coordinate array of an unknown axis",
      (m) => (m.coord_stores = { trial: "arrays/coords/trial.zarr" }),
      "coord_stores.trial",
      /unknown axis 'trial'/,
    ],
    [
      "a coordinate array that leaves the bundle",
      (m) => (m.coord_stores = { instance: "/etc/ids.zarr" }),
      "coord_stores.instance",
      /absolute/,
    ],
    [
      "a coordinate array sharing the data array's path",
      (m) => (m.coord_stores = { channel: "arrays/data.zarr" }),
      "coord_stores.channel",
      /also used by array_store/,
    ],
    [
      "array store settings that are not an object",
      (m) => (m.plugins = { array_store: "hdf5", array_store_options: "/X" }),
      "plugins.array_store_options",
      /JSON object of the array store's settings/,
    ],
    [
      "array store settings that are not JSON",
      (m) => (m.plugins = { array_store: "hdf5", array_store_options: { scale: Number.NaN } }),
      "plugins.array_store_options",
      /JSON object/,
    ],
    [
      "attrs that is not an object",
      (m) => (m.attrs = [1, 2]),
      "attrs",
      /must be a JSON object, got an array/,
    ],
  ];

  it.each(cases)("rejects %s, naming the field", (_label, mutate, field, says) =>
    expectInvalid(mutate, field, says),
  );

  it("accepts a linked file: array store settings, and an inventory record with its time", () => {
    const sha256 = "a".repeat(64);
    const linked = {
      ...valid(),
      schema_version: "0.2.0",
      kind: "tensortools.dataset",
      version: 1,
      previous: null,
      created_at: "2025-01-01T00:00:00.000Z",
      array_store: "arrays/recordings.h5",
      mask_store: undefined,
      plugins: {
        array_store: "hdf5",
        meta_io: "parquet",
        array_store_options: { dataset: "/eeg/epochs", dimension_names: ["a", "b", "c"] },
      },
      inventory: {
        "arrays/recordings.h5": { bytes: 1000, sha256, mtime_ms: 1733318400123.5 },
        "meta/instance.parquet": { bytes: 10, sha256 },
        "meta/sample.parquet": { bytes: 10, sha256 },
        "meta/channel.parquet": { bytes: 10, sha256 },
      },
    };
    expect(validateManifest(linked).plugins?.array_store_options?.dataset).toBe("/eeg/epochs");
    const untimed = structuredClone(linked);
    (untimed.inventory["arrays/recordings.h5"] as { mtime_ms: unknown }).mtime_ms = "yesterday";
    expect(() => validateManifest(untimed)).toThrow(
      /inventory\.arrays\/recordings\.h5.*mtime_ms\?: a time in milliseconds/,
    );
  });

  describe("pyramids", () => {
    const pyramid = () => ({
      field: "data",
      path: "arrays/data.pyramid.zarr",
      axes: ["instance", "sample"],
      factor: 2,
      levels: 4,
      sort_by: { axis: "instance", column: "rt_ms", descending: false },
      built_from: { version: 1, array_store: "arrays/data.zarr" },
    });
    const withPyramid =
      (change: (p: Record<string, unknown>) => void) => (m: Record<string, unknown>) => {
        const entry = pyramid() as Record<string, unknown>;
        change(entry);
        m.pyramids = [entry];
      };

    it("accepts a list of pyramids", () => {
      expect(validateManifest({ ...valid(), pyramids: [pyramid()] }).pyramids?.[0]?.levels).toBe(4);
    });

    it.each([
      [
        "not a list",
        (m: Record<string, unknown>) => {
          m.pyramids = {};
        },
        "pyramids",
        /must be an array of pyramids/,
      ],
      [
        "no field",
        withPyramid((p) => {
          p.field = "";
        }),
        "pyramids[0].field",
        /must be a field name/,
      ],
      [
        "an unsafe path",
        withPyramid((p) => {
          p.path = "../x.zarr";
        }),
        "pyramids[0].path",
        /\.\./,
      ],
      [
        "the path of the array",
        withPyramid((p) => {
          p.path = "arrays/data.zarr";
        }),
        "pyramids[0].path",
        /also used by array_store/,
      ],
      [
        "axes without the first",
        withPyramid((p) => {
          p.axes = ["sample"];
        }),
        "pyramids[0].axes",
        /'instance' first/,
      ],
      [
        "an unknown axis",
        withPyramid((p) => {
          p.axes = ["instance", "time"];
        }),
        "pyramids[0].axes",
        /distinct axes of the dataset/,
      ],
      [
        "factor 1",
        withPyramid((p) => {
          p.factor = 1;
        }),
        "pyramids[0].factor",
        /integer of 2 or more/,
      ],
      [
        "no levels",
        withPyramid((p) => {
          p.levels = 0;
        }),
        "pyramids[0].levels",
        /positive integer/,
      ],
      [
        "a sort of another axis",
        withPyramid((p) => {
          p.sort_by = { axis: "sample", column: "t", descending: false };
        }),
        "pyramids[0].sort_by",
        /null or \{ axis: "instance"/,
      ],
      [
        "no source",
        withPyramid((p) => {
          p.built_from = { version: 1 };
        }),
        "pyramids[0].built_from",
        /array_store: a path/,
      ],
    ] as const)("rejects %s, naming the field", (_label, mutate, field, says) =>
      expectInvalid(mutate, field, says),
    );

    it("needs its group in the inventory of a versioned manifest", () => {
      const sha256 = "a".repeat(64);
      const versioned = {
        ...valid(),
        schema_version: "0.2.0",
        kind: "tensortools.dataset",
        version: 2,
        previous: null,
        created_at: "2025-01-01T00:00:00.000Z",
        mask_store: undefined,
        pyramids: [pyramid()],
        inventory: {
          "arrays/data.zarr/zarr.json": { bytes: 10, sha256 },
          "meta/instance.parquet": { bytes: 10, sha256 },
          "meta/sample.parquet": { bytes: 10, sha256 },
          "meta/channel.parquet": { bytes: 10, sha256 },
        },
      };
      expect(() => validateManifest(versioned)).toThrow(
        /pyramids\[0\]\.path.*names 'arrays\/data.pyramid.zarr', which the inventory does not list/,
      );
    });
  });

  it("parseManifest says where text is not JSON", () => {
    expect(() => parseManifest('{ "schema_version": ', "bundle/manifest.json")).toThrow(
      /manifest field '\$': bundle\/manifest.json is not valid JSON/,
    );
    expect(parseManifest(JSON.stringify(valid())).tensor_name).toBe("data");
  });
});

describe("changesSince", () => {
  const manifest = (): Manifest => ({
    ...valid(),
    version: 3,
    change: { kind: "append", rows: 5 },
    history: [
      { version: 1, manifest_hash: "sha256:one", change: { kind: "write" } },
      { version: 2, manifest_hash: "sha256:two", change: { kind: "annotate" } },
    ],
  });

  it("lists the changes after a recorded version, oldest first, the current one last", () => {
    expect(changesSince(manifest(), "sha256:one")).toEqual([
      { kind: "annotate" },
      { kind: "append", rows: 5 },
    ]);
    expect(changesSince(manifest(), "sha256:two")).toEqual([{ kind: "append", rows: 5 }]);
  });

  it("is undefined for a hash not in the history, and names a write when the version says nothing", () => {
    expect(changesSince(manifest(), "sha256:other")).toBeUndefined();
    expect(changesSince(valid(), "sha256:one")).toBeUndefined();
    const { change: _, ...unnamed } = manifest();
    expect(changesSince(unnamed, "sha256:two")).toEqual([{ kind: "write" }]);
  });
});
