import { ArgumentError } from "@tt/schema";

/** The parameter a described argument belongs to: `factors` of `factors[2]`, `into` of `into.sums`. */
export function parameterOf(name: string): string {
  return /^[A-Za-z_$][\w$]*/.exec(name)?.[0] ?? name;
}

/** Throws an `ArgumentError` unless `value` is a non-negative integer dimension. */
export function checkDim(
  where: string,
  name: string,
  value: number,
  parameter: string = parameterOf(name),
): void {
  if (!Number.isInteger(value) || value < 0)
    throw new ArgumentError(
      where,
      parameter,
      `${name} must be a non-negative integer, got ${value}`,
    );
}

/** Throws an `ArgumentError` unless `data` is a Float64Array of exactly `rows * cols` numbers. */
export function checkMatrix(
  where: string,
  name: string,
  data: Float64Array,
  rows: number,
  cols: number,
): void {
  const parameter = parameterOf(name);
  checkDim(where, `rows of ${name}`, rows, parameter);
  checkDim(where, `columns of ${name}`, cols, parameter);
  if (!(data instanceof Float64Array))
    throw new ArgumentError(where, parameter, `${name} must be a Float64Array`);
  if (data.length !== rows * cols)
    throw new ArgumentError(
      where,
      parameter,
      `${name} has ${data.length} elements, expected ${rows} x ${cols} = ${rows * cols}`,
    );
}

/** Throws an ArgumentError unless `vector` is a Float64Array of `length` numbers. */
export function checkVector(where: string, name: string, vector: unknown, length: number): void {
  if (!(vector instanceof Float64Array))
    throw new ArgumentError(where, parameterOf(name), `${name} must be a Float64Array`);
  if (vector.length !== length)
    throw new ArgumentError(
      where,
      parameterOf(name),
      `${name} has ${vector.length} elements, expected ${length} (one per column of A)`,
    );
}
