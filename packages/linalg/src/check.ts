import { DataError } from "@tt/schema";

/** Throws a `DataError` unless `value` is a non-negative integer dimension. */
export function checkDim(where: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0)
    throw new DataError(where, `${name} must be a non-negative integer, got ${value}`);
}

/** Throws a `DataError` unless `data` holds exactly `rows * cols` numbers. */
export function checkMatrix(
  where: string,
  name: string,
  data: Float64Array,
  rows: number,
  cols: number,
): void {
  checkDim(where, `rows of ${name}`, rows);
  checkDim(where, `columns of ${name}`, cols);
  if (!(data instanceof Float64Array)) throw new DataError(where, `${name} must be a Float64Array`);
  if (data.length !== rows * cols)
    throw new DataError(
      where,
      `${name} has ${data.length} elements, expected ${rows} x ${cols} = ${rows * cols}`,
    );
}
