/** The partition tables of a concatenation: `files` (one row per input) and `groups` (one row per group). */

import { columnFromCells, hashManifest, MetaTable } from "@tt/schema";
import type { Source } from "./inputs.js";

/**
 * One row per input, in input order: `source_dataset_id`, `location`, `manifest_hash`
 * (`sha256:<hex>` of its manifest), `selectors` (the view's selectors as JSON, `[]` for a whole
 * dataset), `dtype`, `n_instances`, and `instance_start` / `instance_stop`, the rows it fills in
 * the output (equal for an input without instances).
 */
export async function filesTable(sources: readonly Source[]): Promise<MetaTable> {
  const starts: number[] = [];
  let offset = 0;
  for (const source of sources) {
    starts.push(offset);
    offset += source.view.shape[0]!;
  }
  const cells = <T>(pick: (source: Source, i: number) => T) => sources.map(pick);
  return MetaTable.fromColumns({
    source_dataset_id: columnFromCells(
      "string",
      cells((s) => s.id),
    ),
    location: columnFromCells(
      "string",
      cells((s) => s.location),
    ),
    manifest_hash: columnFromCells(
      "string",
      await Promise.all(cells((s) => hashManifest(s.manifest))),
    ),
    selectors: columnFromCells(
      "string",
      cells((s) => JSON.stringify(s.view.toJSON().selectors)),
    ),
    dtype: columnFromCells(
      "string",
      cells((s) => s.view.dtype),
    ),
    n_instances: columnFromCells(
      "int32",
      cells((s) => s.view.shape[0]!),
    ),
    instance_start: columnFromCells("int32", starts),
    instance_stop: columnFromCells(
      "int32",
      cells((s, i) => starts[i]! + s.view.shape[0]!),
    ),
  });
}

/**
 * One row per `group_id`, in order of first appearance in the output: `group_id`,
 * `n_instances`, `n_datasets` (inputs with instances in the group) and `source_dataset_ids`
 * (those inputs, in input order).
 */
export function groupsTable(sources: readonly Source[], groupIds: readonly string[][]): MetaTable {
  const groups = new Map<string, { n: number; datasets: string[] }>();
  groupIds.forEach((ids, s) => {
    for (const id of ids) {
      let group = groups.get(id);
      if (group === undefined) {
        group = { n: 0, datasets: [] };
        groups.set(id, group);
      }
      group.n += 1;
      if (group.datasets.at(-1) !== sources[s]!.id) group.datasets.push(sources[s]!.id);
    }
  });
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
