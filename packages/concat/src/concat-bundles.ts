/** Concatenation into any writable key-value store: plan from the metadata, then stream the data. */

import { writeBundle } from "@tt/bundle";
import {
  ConfigError,
  type JsonObject,
  type JsonValue,
  type Manifest,
  type MetaTable,
  type WritableKeyValueStore,
} from "@tt/schema";
import { concatFields, FieldViews } from "./concat-fields.js";
import { describeInputs } from "./inputs.js";
import { InstanceTableBuilder } from "./instance-tables.js";
import { type ConcatInput, type ConcatOptions, resolveOptions } from "./options.js";
import { filesTable, groupsTable } from "./partitions.js";
import { planOutput } from "./plan-output.js";

/** Options of {@link concatBundles}: the concatenation and the store it writes into. */
export interface ConcatBundlesOptions extends ConcatOptions {
  /** The store the output bundle is written into; it must hold no bundle, unless `overwrite`. */
  out: WritableKeyValueStore;
  /** Write the output as the next version of a bundle `out` already holds. */
  overwrite?: boolean;
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
 * Fields beside `data` (every field of any input, or `fields`) are concatenated the same way,
 * their own axes aligned by id or position with the same join, and added to the output one new
 * version each; an input with instances that lacks one is a DataError naming it and the field.
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
  const fieldViews = new FieldViews(resolved.fields);
  const sources = await describeInputs(inputs, resolved, (source, view) => {
    instances.add(source, view);
    fieldViews.add(source, view);
    attrsOfAll.add(view.dataset.attrs);
    if (source.shape[0]! > 0) attrsOfFilled.add(view.dataset.attrs);
  });
  const withInstances = sources.filter((s) => s.shape[0]! > 0);
  const groups = groupsTable(instances.groups);
  const files = filesTable(sources);
  const instanceMeta = instances.finish();
  const attrs = {
    ...(withInstances.length > 0 ? attrsOfFilled : attrsOfAll).attrs,
    ...(resolved.attrs ?? {}),
  };
  const { stream, aligned, axes, chunkShape } = planOutput(sources, instanceMeta, resolved, attrs);
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
  const withFields = await concatFields(out, fieldViews, instanceMeta, resolved);
  return { manifest: withFields ?? manifest, files, groups };
}
