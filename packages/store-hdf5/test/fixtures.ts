/** The committed HDF5 fixtures (fixtures/hdf5) and the values h5py read from them. */

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { allocate, type DType, isBigIntDType, type TypedArray } from "@tt/schema";

/** The folder of the fixtures. */
export const FIXTURES = resolve(import.meta.dirname, "../../../fixtures/hdf5");

/** A fixture file's path. */
export const fixture = (name: string) => resolve(FIXTURES, name);

/** What expected.json says of a dataset (values in C order of `shape`). */
export interface ExpectedDataset {
  dtype: DType;
  descr: string;
  shape: number[];
  chunks: number[] | null;
  compression: string | null;
  shuffle: boolean;
  values: (number | string)[];
  labels?: string[];
  matlab_class?: string;
  matlab_shape?: number[];
  matlab_values?: (number | string)[];
}

interface Expected {
  "datasets.h5": { datasets: Record<string, ExpectedDataset>; unsupported: Record<string, string> };
  "matlab-v7.3.mat": {
    userblock_size: number;
    variables: Record<string, ExpectedDataset>;
    empty: Record<string, number[]>;
  };
  "truncated.h5": { bytes: number; of: number };
}

/** expected.json, as the fixture script wrote it. */
export const expected = JSON.parse(readFileSync(fixture("expected.json"), "utf8")) as Expected;

/** JSON values (64-bit integers and non-finite floats as strings) as a typed array of `dtype`. */
export function typedValues(dtype: DType, values: readonly (number | string)[]): TypedArray {
  const out = allocate(dtype, values.length) as unknown as { [i: number]: number | bigint };
  values.forEach((value, i) => {
    out[i] = isBigIntDType(dtype) ? BigInt(value) : Number(value);
  });
  return out as unknown as TypedArray;
}
