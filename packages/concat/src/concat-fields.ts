/** The fields beside `data` of concatenated inputs: each concatenated as the data is, then added. */

import { addFieldToBundle } from "@tt/bundle";
import {
  ConfigError,
  DataError,
  DEFAULT_FIELD,
  type Manifest,
  type MetaTable,
  type TensorView,
  type WritableKeyValueStore,
} from "@tt/schema";
import { describeInputs, type Source } from "./inputs.js";
import type { ResolvedOptions } from "./options.js";
import { planOutput } from "./plan-output.js";

/** One input with instances, as far as its fields go. */
interface FieldInput {
  readonly source: Source;
  readonly fields: readonly string[];
  /** The input's view, kept only when it has fields beside `data` (else not needed). */
  readonly view: TensorView | undefined;
}

/** The inputs' fields, collected while the inputs are described. */
export class FieldViews {
  readonly #wanted: readonly string[] | undefined;
  readonly #inputs: FieldInput[] = [];

  constructor(wanted: readonly string[] | undefined) {
    if (wanted !== undefined && !Array.isArray(wanted))
      throw new ConfigError("fields", `must be a list of field names, got ${typeof wanted}`);
    this.#wanted = wanted?.filter((name) => name !== DEFAULT_FIELD);
  }

  /** Notes the fields of an input (only inputs with instances take part). */
  add(source: Source, view: TensorView): void {
    if (source.shape[0] === 0) return;
    const fields = (view.dataset.fields ?? [DEFAULT_FIELD]).filter((f) => f !== DEFAULT_FIELD);
    const needed = fields.length > 0 || (this.#wanted?.length ?? 0) > 0;
    this.#inputs.push({ source, fields, view: needed ? view : undefined });
  }

  /**
   * The fields to concatenate: `fields` when given, else every field of any input; an input
   * without one of them is a DataError naming the input and the field.
   */
  names(): string[] {
    const all = [...new Set(this.#inputs.flatMap((input) => input.fields))];
    const names = [...(this.#wanted ?? all)];
    for (const name of names)
      for (const { source, fields } of this.#inputs)
        if (!fields.includes(name))
          throw new DataError(
            source.label,
            `has no field '${name}' (its fields are ${[DEFAULT_FIELD, ...fields].join(", ")}), which ${this.#wanted ? "fields names" : "another input has"}; add it to that input (addField), or pass fields: [${all
              .filter((f) => this.#inputs.every((i) => i.fields.includes(f)))
              .map((f) => JSON.stringify(f))
              .join(", ")}] to concatenate only the fields every input has`,
          );
    return names;
  }

  /** The inputs with instances, with their views of field `name`. */
  viewsOf(name: string): { ids: string[]; views: TensorView[] } {
    return {
      ids: this.#inputs.map((input) => input.source.id),
      views: this.#inputs.map((input) => input.view!.field(name)),
    };
  }
}

/** The alignment options that concern the axes of a field. */
function alignFor(resolved: ResolvedOptions, axes: readonly string[]) {
  return Object.fromEntries(Object.entries(resolved.align).filter(([axis]) => axes.includes(axis)));
}

/**
 * Concatenates every field of the inputs (see {@link FieldViews.names}) the way the data was:
 * the same instances in the same order (`instanceMeta`), the other axes aligned by id or
 * position with the same join, gaps filled and masked; each is added to the bundle in `out`
 * as a new version. Returns the last manifest, or undefined when there are no fields.
 */
export async function concatFields(
  out: WritableKeyValueStore,
  fields: FieldViews,
  instanceMeta: MetaTable,
  resolved: ResolvedOptions,
): Promise<Manifest | undefined> {
  let manifest: Manifest | undefined;
  for (const name of fields.names()) {
    const { ids, views } = fields.viewsOf(name);
    const axes = views[0]!.axes;
    const options = {
      ...resolved,
      sourceIds: ids,
      align: alignFor(resolved, axes),
      chunkShape: undefined,
      dtype: undefined,
    };
    const sources = await describeInputs(views, options, () => {});
    const plan = planOutput(sources, instanceMeta, options, {});
    manifest = await addFieldToBundle(out, name, plan.stream, {
      arrayStore: resolved.arrayStore,
      metaIO: resolved.metaIO,
      codec: resolved.codec,
      chunkShape: plan.chunkShape,
      axisIndexColumns: Object.fromEntries(
        plan.aligned.flatMap((a) => (a.column ? [[a.axis, a.column]] : [])),
      ),
      signal: resolved.signal,
    });
  }
  return manifest;
}
