/**
 * The x axis of waveforms and of the ERP image: the sample axis's coordinates when the dataset
 * has them (a `time_s` metadata column, else numeric ids, the axis's coordinate array), else the
 * sample position; and tick marks along it.
 */

import type { MetaTable } from "tensortools/browser";

/** The column of an axis's metadata used as x when present, e.g. seconds of each sample. */
export const X_COLUMN = "time_s";

/** The x value of each element of an axis and what it is. */
export interface AxisCoordinates {
  /** One value per element. */
  readonly values: Float64Array;
  /** `time_s`, the axis name (numeric ids), or `<axis> position`. */
  readonly label: string;
}

/**
 * The coordinates of `axis` (of `length` elements): the `time_s` column of its metadata when
 * numeric, else its ids when numeric, else positions 0, 1, ...
 *
 * @example
 * ```ts
 * axisCoordinates(undefined, [0.5, 1, 1.5], "sample", 3).label; // "sample"
 * ```
 */
export function axisCoordinates(
  meta: MetaTable | undefined,
  ids: ArrayLike<unknown> | undefined,
  axis: string,
  length: number,
): AxisCoordinates {
  if (meta?.has(X_COLUMN)) {
    const column = meta.column(X_COLUMN);
    if (column.type === "float64" || column.type === "float32" || column.type === "int32")
      return { values: Float64Array.from(column.values as ArrayLike<number>), label: X_COLUMN };
  }
  if (ids !== undefined && ids.length === length && typeof ids[0] === "number")
    return { values: Float64Array.from(ids as ArrayLike<number>), label: axis };
  return { values: Float64Array.from({ length }, (_, i) => i), label: `${axis} position` };
}

/** A tick: where along the window (0 to 1) and its text. */
export interface AxisTick {
  readonly at: number;
  readonly text: string;
}

/**
 * About `count` ticks at round values of the coordinates for the samples `start` to `end` (base
 * positions, fractional), the coordinates taken as linear between samples.
 *
 * @example
 * ```ts
 * axisTicks(Float64Array.of(0, 0.1, 0.2, 0.3, 0.4), 0, 4, 3).map((t) => t.text); // ["0", "0.2", "0.4"]
 * ```
 */
export function axisTicks(
  values: Float64Array,
  start: number,
  end: number,
  count: number,
): AxisTick[] {
  const at = (position: number) => {
    const clamped = Math.min(values.length - 1, Math.max(0, position));
    const low = Math.floor(clamped);
    const high = Math.min(values.length - 1, low + 1);
    return values[low]! + (values[high]! - values[low]!) * (clamped - low);
  };
  const first = at(start);
  const last = at(end);
  if (!(last > first)) return [{ at: 0, text: String(Number(first.toPrecision(4))) }];
  const raw = (last - first) / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw * 0.999)!;
  const ticks: AxisTick[] = [];
  for (let v = Math.ceil(first / step - 1e-9) * step; v <= last + step * 1e-9; v += step)
    ticks.push({ at: (v - first) / (last - first), text: String(Number(v.toPrecision(6))) });
  return ticks;
}
