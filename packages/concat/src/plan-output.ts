/** The plan of a concatenation's output: aligned axes, dtype, chunking, and its stream of blocks. */

import { type BundlePlugins, resolvePlugins, type TensorStream } from "@tt/bundle";
import {
  allocate,
  bytesPerElement,
  ConfigError,
  type DType,
  isBigIntDType,
  isFloatDType,
  type JsonObject,
  type MetaTable,
} from "@tt/schema";
import { type AlignedAxis, alignAxes } from "./align-axes.js";
import { concatStream } from "./concat-stream.js";
import { outputDType } from "./dtype-promotion.js";
import type { Source } from "./inputs.js";
import type { ResolvedOptions } from "./options.js";

/**
 * The chunk shape of the output: what its array store picks by default, or (for a store that
 * does not say) whole slabs along the first axis, about 4 MiB a chunk.
 */
function outputChunkShape(
  options: BundlePlugins,
  shape: readonly number[],
  dtype: DType,
): number[] {
  const { arrayStore } = resolvePlugins(options);
  const picked = arrayStore.defaultChunkShape?.(shape, dtype);
  if (picked !== undefined) return picked;
  const slabBytes = Math.max(1, shape.slice(1).reduce((a, b) => a * b, 1) * bytesPerElement(dtype));
  return [
    Math.max(1, Math.min(shape[0] || 1, Math.round((4 * 2 ** 20) / slabBytes))),
    ...shape.slice(1).map((n) => Math.max(1, n)),
  ];
}

/** Checks that gaps can be filled with `fillValue` in `dtype`, and returns the fill. */
function gapFill(dtype: DType, fillValue: number | undefined): number {
  if (isFloatDType(dtype)) return fillValue ?? Number.NaN;
  if (fillValue === undefined) {
    throw new ConfigError(
      "fillValue",
      `the output is ${dtype}, which cannot hold NaN, and join "outer" leaves gaps; give a fillValue (the mask records the gaps)`,
    );
  }
  const probe = allocate(dtype, 1) as unknown as { [i: number]: number | bigint };
  probe[0] = isBigIntDType(dtype) ? BigInt(Math.trunc(fillValue)) : fillValue;
  if (!Number.isInteger(fillValue) || Number(probe[0]) !== fillValue) {
    throw new ConfigError("fillValue", `${fillValue} is not a value of ${dtype}`);
  }
  return fillValue;
}

/** What {@link planOutput} plans: the output's stream of blocks, its axes and chunking. */
export interface OutputPlan {
  readonly stream: TensorStream;
  readonly aligned: readonly AlignedAxis[];
  readonly axes: readonly string[];
  readonly chunkShape: readonly number[];
}

/**
 * Plans the output of `sources` (one field of every input): aligns the other axes, promotes the
 * dtypes, places every input's elements, and returns the output as a stream of whole chunks
 * whose first axis holds `instanceMeta`.
 */
export function planOutput(
  sources: readonly Source[],
  instanceMeta: MetaTable,
  resolved: ResolvedOptions,
  attrs: JsonObject,
): OutputPlan {
  const withInstances = sources.filter((s) => s.shape[0]! > 0);
  const participants = withInstances.length > 0 ? withInstances : sources;
  const aligned = alignAxes(participants, resolved.align, resolved.join);
  const dtype = outputDType(
    participants.map((s) => s.dtype),
    participants.map((s) => s.label),
    resolved.dtype,
    resolved.allowPrecisionLoss === true,
  );
  const total = sources.reduce((n, s) => n + s.shape[0]!, 0);
  const shape = [total, ...aligned.map((a) => a.meta.numRows)];
  const positions = sources.map((source) => {
    const p = participants.indexOf(source);
    if (p < 0 || source.shape[0] === 0) return undefined;
    return aligned.map((a) => a.positions[p]!);
  });
  const gaps = positions.some((axes) => axes?.some((at) => at.includes(-1)));
  const fill = gaps ? gapFill(dtype, resolved.fillValue) : Number.NaN;
  const chunkShape = resolved.chunkShape ?? outputChunkShape(resolved, shape, dtype);
  const axes = sources[0]!.axes;
  const stream = concatStream({
    sources,
    positions,
    aligned,
    instanceMeta,
    axes,
    shape,
    dtype,
    chunkRows: chunkShape[0]!,
    fill,
    withMask: gaps || participants.some((s) => s.hasMask),
    attrs,
    plugins: { arrayStore: resolved.arrayStore },
    signal: resolved.signal,
    onProgress: resolved.onProgress,
  });
  return { stream, aligned, axes, chunkShape };
}
