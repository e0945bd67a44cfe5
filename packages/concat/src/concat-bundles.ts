/** Concatenation into any writable key-value store: plan from the metadata, then stream the data. */

import { type BundlePlugins, resolvePlugins, writeBundle } from "@tt/bundle";
import {
  allocate,
  bytesPerElement,
  ConfigError,
  type DType,
  isBigIntDType,
  isFloatDType,
  type JsonObject,
  type JsonValue,
  type Manifest,
  type MetaTable,
  type WritableKeyValueStore,
} from "@tt/schema";
import { alignAxes } from "./align-axes.js";
import { concatStream } from "./concat-stream.js";
import { outputDType } from "./dtype-promotion.js";
import { describeInputs } from "./inputs.js";
import { InstanceTableBuilder } from "./instance-tables.js";
import { type ConcatInput, type ConcatOptions, resolveOptions } from "./options.js";
import { filesTable, groupsTable } from "./partitions.js";

/** Options of {@link concatBundles}: the concatenation and the store it writes into. */
export interface ConcatBundlesOptions extends ConcatOptions {
  /** The store the output bundle is written into; it must hold no bundle, unless `overwrite`. */
  out: WritableKeyValueStore;
  /** Write the output as the next version of a bundle `out` already holds. */
  overwrite?: boolean;
}

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

/** What a concatenation wrote. */
export interface ConcatSummary {
  /** The output bundle's manifest. */
  readonly manifest: Manifest;
  /** The `files` partition table (one row per input). */
  readonly files: MetaTable;
  /** The `groups` partition table (one row per group). */
  readonly groups: MetaTable;
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

/** The attributes every input seen so far has with the same value (as JSON text). */
class SharedAttrs {
  #shared: Map<string, { value: JsonValue; text: string }> | undefined;

  add(attrs: Readonly<JsonObject>): void {
    if (this.#shared === undefined) {
      this.#shared = new Map(
        Object.entries(attrs).map(([key, value]) => [key, { value, text: JSON.stringify(value) }]),
      );
      return;
    }
    for (const [key, { text }] of this.#shared) {
      if (!(key in attrs) || JSON.stringify(attrs[key]) !== text) this.#shared.delete(key);
    }
  }

  get attrs(): JsonObject {
    return Object.fromEntries([...(this.#shared ?? [])].map(([key, { value }]) => [key, value]));
  }
}

/**
 * Concatenates `inputs` (views, datasets or stores holding bundles) along their first axis into
 * a new bundle in `options.out`, streaming: each input is read in blocks of about one output
 * chunk and written chunk by chunk, so memory holds one block, one chunk and the metadata tables,
 * however many inputs there are.
 *
 * The output's instances get the lineage columns `instance_id` (its id column), `source_dataset_id`,
 * `source_file_id`, `group_id` and `source_instance_id`, then the union of the inputs' instance
 * columns (absent -> null). The other axes are aligned by id (see `align` and `join`); gaps of an
 * outer join hold NaN (or `fillValue`) and 0 in the mask store. `partitions/files.parquet` and
 * `partitions/groups.parquet` describe the inputs and groups. Inputs without instances are kept
 * as a row of `files` (with `n_instances` 0) and take no other part.
 *
 * @example
 * ```ts
 * const out = createMemoryStore();
 * const { manifest, files } = await concatBundles([subject1, subject2.query("instance", "qc_pass")], {
 *   out, join: "outer", align: { channel: "channel_id" },
 * });
 * ```
 */
export async function concatBundles(
  inputs: readonly ConcatInput[],
  options: ConcatBundlesOptions,
): Promise<ConcatSummary> {
  const resolved = resolveOptions(options);
  const { out, signal } = options;
  if (out === null || typeof out !== "object" || typeof out.set !== "function") {
    throw new ConfigError("out", "must be a writable key-value store");
  }
  const instances = new InstanceTableBuilder(resolved);
  // The attributes shared by the inputs with instances, and by all (when none has instances).
  const attrsOfFilled = new SharedAttrs();
  const attrsOfAll = new SharedAttrs();
  const sources = await describeInputs(inputs, resolved, (source, view) => {
    instances.add(source, view);
    attrsOfAll.add(view.dataset.attrs);
    if (source.shape[0]! > 0) attrsOfFilled.add(view.dataset.attrs);
  });
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
  const groups = groupsTable(instances.groups);
  const files = filesTable(sources);
  const chunkShape = resolved.chunkShape ?? outputChunkShape(resolved, shape, dtype);
  const axes = sources[0]!.axes;
  const stream = concatStream({
    sources,
    positions,
    aligned,
    instanceMeta: instances.finish(),
    axes,
    shape,
    dtype,
    chunkRows: chunkShape[0]!,
    fill,
    withMask: gaps || participants.some((s) => s.hasMask),
    attrs: {
      ...(withInstances.length > 0 ? attrsOfFilled : attrsOfAll).attrs,
      ...(resolved.attrs ?? {}),
    },
    plugins: { arrayStore: resolved.arrayStore },
    signal,
    onProgress: resolved.onProgress,
  });
  const manifest = await writeBundle(out, stream, {
    arrayStore: resolved.arrayStore,
    metaIO: resolved.metaIO,
    tensorName: resolved.tensorName,
    axisIndexColumns: {
      [axes[0]!]: "instance_id",
      ...Object.fromEntries(aligned.flatMap((a) => (a.column ? [[a.axis, a.column]] : []))),
    },
    chunkShape,
    codec: resolved.codec,
    signal,
    partitions: { files, groups },
    overwrite: options.overwrite,
  });
  return { manifest, files, groups };
}
