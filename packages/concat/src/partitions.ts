/** The partition tables of a concatenation: `files` (one row per input) and `groups` (one row per group). */

import { columnFromCells, MetaTable } from "@tt/schema";
import type { Source } from "./inputs.js";
import type { GroupCount } from "./instance-tables.js";

/**
 * One row per input, in input order: `source_dataset_id`, `location` (null for a dataset held in
 * memory), `manifest_hash`
 * (`sha256:<hex>` of its manifest), `selectors` (the view's selectors as JSON, `[]` for a whole
 * dataset), `dtype`, `n_instances`, and `instance_start` / `instance_stop`, the rows it fills in
 * the output (equal for an input without instances).
 */
export function filesTable(sources: readonly Source[]): MetaTable {
  const starts: number[] = [];
  let offset = 0;
  for (const source of sources) {
    starts.push(offset);
    offset += source.shape[0]!;
  }
  const cells = <T>(pick: (source: Source, i: number) => T) => sources.map(pick);
  return MetaTable.fromColumns({
    source_dataset_id: columnFromCells(
      "string",
      cells((s) => s.id),
    ),
    location: columnFromCells(
      "string",
      cells((s) => s.location ?? null),
    ),
    manifest_hash: columnFromCells(
      "string",
      cells((s) => s.manifestHash),
    ),
    selectors: columnFromCells(
      "string",
      cells((s) => s.selectors),
    ),
    dtype: columnFromCells(
      "string",
      cells((s) => s.dtype),
    ),
    n_instances: columnFromCells(
      "int32",
      cells((s) => s.shape[0]!),
    ),
    instance_start: columnFromCells("int32", starts),
    instance_stop: columnFromCells(
      "int32",
      cells((s, i) => starts[i]! + s.shape[0]!),
    ),
  });
}

/**
 * One row per `group_id`, in order of first appearance in the output: `group_id`,
 * `n_instances`, `n_datasets` (inputs with instances in the group) and `source_dataset_ids`
 * (those inputs, in input order).
 */
export function groupsTable(groups: ReadonlyMap<string, GroupCount>): MetaTable {
  const rows = [...groups];
  return MetaTable.fromColumns(
    {
      group_id: columnFromCells(
        "string",
        rows.map(([id]) => id),
      ),
      n_instances: columnFromCells(
        "int32",
        rows.map(([, g]) => g.n),
      ),
      n_datasets: columnFromCells(
        "int32",
        rows.map(([, g]) => g.datasets.length),
      ),
      source_dataset_ids: columnFromCells(
        "list<string>",
        rows.map(([, g]) => g.datasets),
      ),
    },
    rows.length,
  );
}
