import { describe, expect, it } from "vitest";
import {
  fieldNameProblem,
  InvalidManifestError,
  type Manifest,
  validateManifest,
} from "../src/index.js";

const HASH = "a".repeat(64);

/** The spectrogram field as a test edits it. */
type Spectrogram = Record<string, unknown> & { meta_files: Record<string, string> };
const file = { bytes: 10, sha256: HASH };

/** A 0.2.0 manifest with a spectrogram field, every file in its inventory. */
const valid = (): Manifest => ({
  schema_version: "0.2.0",
  kind: "tensortools.dataset",
  version: 2,
  previous: `sha256:${HASH}`,
  created_at: "2026-12-04T17:00:00.000Z",
  inventory: {
    "arrays/data.v1-aaaa.zarr/zarr.json": file,
    "meta/instance.v1-aaaa.parquet": file,
    "arrays/spectrogram.v2-bbbb.zarr/zarr.json": file,
    "meta/spectrogram.freq.v2-bbbb.parquet": file,
  },
  tensor_name: "data",
  shape: [6, 40],
  dtype: "float32",
  axes: ["instance", "sample"],
  axis_index_columns: { instance: "instance_id" },
  meta_files: { instance: "meta/instance.v1-aaaa.parquet" },
  array_store: "arrays/data.v1-aaaa.zarr",
  fields: {
    spectrogram: {
      axes: ["instance", "freq", "time"],
      shape: [6, 8, 5],
      dtype: "float64",
      array_store: "arrays/spectrogram.v2-bbbb.zarr",
      axis_index_columns: { freq: "freq_hz" },
      meta_files: { freq: "meta/spectrogram.freq.v2-bbbb.parquet" },
    },
  },
});

type Editable = Record<string, unknown> & { fields: Record<string, Record<string, unknown>> };

function invalid(change: (m: Editable & { fields: { spectrogram: Spectrogram } }) => void) {
  const manifest = valid() as unknown as Editable & { fields: { spectrogram: Spectrogram } };
  change(manifest);
  try {
    validateManifest(manifest);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidManifestError);
    return error as InvalidManifestError;
  }
  throw new Error("expected an InvalidManifestError");
}

describe("manifest fields", () => {
  it("accepts fields that share the first axis, with their own axes and tables", () => {
    const manifest = validateManifest(valid());
    expect(manifest.fields?.spectrogram?.shape).toEqual([6, 8, 5]);
  });

  it("refuses a field whose first dimension is not the instance count", () => {
    const error = invalid((m) => {
      m.fields.spectrogram.shape = [5, 8, 5];
    });
    expect(error.field).toBe("fields.spectrogram.shape[0]");
    expect(error.message).toMatch(/is 5, but the dataset has 6 elements on 'instance'/);
  });

  it("refuses a field whose first axis is another", () => {
    const error = invalid((m) => {
      m.fields.spectrogram.axes = ["event", "freq", "time"];
    });
    expect(error.field).toBe("fields.spectrogram.axes");
    expect(error.message).toMatch(/'instance' \(the dataset's first axis\) first/);
  });

  it.each([
    ["../x", /not a safe field name/],
    ["has space", /not a safe field name/],
    ["data", /is the default field/],
  ])("refuses the field name %j", (name, says) => {
    const error = invalid((m) => {
      m.fields = { [name]: m.fields.spectrogram } as unknown as typeof m.fields;
    });
    expect(error.field).toBe(`fields.${name}`);
    expect(error.message).toMatch(says);
  });

  it("refuses a field array the inventory does not list", () => {
    const error = invalid((m) => {
      m.fields.spectrogram.array_store = "arrays/spectrogram.v3-cccc.zarr";
    });
    expect(error.field).toBe("fields.spectrogram.array_store");
    expect(error.message).toMatch(/which the inventory does not list/);
  });

  it("refuses a field array that is another file's path", () => {
    const error = invalid((m) => {
      m.fields.spectrogram.array_store = "arrays/data.v1-aaaa.zarr";
    });
    expect(error.field).toBe("fields.spectrogram.array_store");
    expect(error.message).toMatch(/also used by array_store/);
  });

  it("refuses tables of the first axis or of unknown axes, and an unknown dtype", () => {
    expect(
      invalid((m) => {
        m.fields.spectrogram.meta_files.instance = "meta/x.parquet";
      }).field,
    ).toBe("fields.spectrogram.meta_files.instance");
    expect(
      invalid((m) => {
        m.fields.spectrogram.axis_index_columns = { time: "t" };
      }).message,
    ).toMatch(/no table for axis 'time'/);
    expect(
      invalid((m) => {
        m.fields.spectrogram.dtype = "complex64";
      }).field,
    ).toBe("fields.spectrogram.dtype");
  });

  it("names what makes a field name unsafe", () => {
    expect(fieldNameProblem("waveform")).toBeUndefined();
    expect(fieldNameProblem("1st")).toMatch(/not a safe field name/);
    expect(fieldNameProblem("x".repeat(65))).toMatch(/at most 64/);
  });
});
