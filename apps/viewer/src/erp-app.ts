/**
 * The ERP image's place in the page: which pyramid it reads for the chosen sort (a sorted pyramid
 * when the bundle has one for the column, else base rows read in our own order, zoomed in), what
 * it says when the bundle has no pyramid, the query's rows marked on it, and a clicked row opened.
 */

import { isTensorToolsError, type Manifest, openPyramid } from "tensortools/browser";
import { bundleStore } from "./chunk-cache-store.js";
import { cellText, element, required } from "./dom.js";
import { baseRowSource, type ErpReduction, type PyramidLike, tileSource } from "./erp-source.js";
import { createErpImage } from "./erp-view.js";
import { sortRows } from "./row-order.js";
import { axisCoordinates } from "./sample-axis.js";
import type { ViewerSession } from "./session.js";

/** The ERP image as the rest of the page sees it. */
export interface ErpSection {
  /** Marks the table rows `rows` (the query's matches) on the image. */
  highlight(rows: Int32Array): void;
  /** Draws again at the page's new width. */
  resize(): void;
}

/** The table row of each dataset row (-1 for an instance the result does not cover). */
function tableRowsOfDataset(session: ViewerSession): Int32Array {
  const { dataset, table, idColumn, instanceAxis } = session;
  const map = new Int32Array(dataset.shape[0]!).fill(-1);
  for (let row = 0; row < table.numRows; row++) {
    const at = dataset.indexOf(instanceAxis, table.get(row, idColumn) as string);
    if (at !== undefined) map[at] = row;
  }
  return map;
}

/** The x axis and the channel labels of the dataset's second and third axes. */
function axesOf(session: ViewerSession) {
  const { dataset } = session;
  const [, sampleAxis, channelAxis] = dataset.axes as [string, string, string | undefined];
  const ids = (axis: string) => {
    const column = dataset.axisIndexColumns[axis];
    return column === undefined ? undefined : dataset.meta(axis).column(column).values;
  };
  const coordinates = axisCoordinates(
    dataset.meta(sampleAxis),
    ids(sampleAxis) as ArrayLike<unknown> | undefined,
    sampleAxis,
    dataset.shape[1]!,
  );
  const channels = channelAxis === undefined ? 1 : dataset.shape[2]!;
  const channelIds = channelAxis === undefined ? undefined : ids(channelAxis);
  const channelLabels = Array.from({ length: channels }, (_, c) =>
    channelAxis === undefined ? "" : `${channelAxis} ${cellText(channelIds?.[c] ?? c)}`,
  );
  return { coordinates, channelLabels };
}

/** The sort columns the bundle has sorted pyramids for, from its manifest. */
function sortedPyramids(session: ViewerSession): string[] {
  const pyramids = session.dataset.manifest.pyramids ?? [];
  return pyramids.flatMap((p) => (p.field === "data" && p.sort_by ? [p.sort_by.column] : []));
}

/** The hint printed where the image would be: how to build what is missing. */
function buildHint(session: ViewerSession, sortBy?: string): string {
  const where = session.datasetUrl ?? "<bundle>";
  return `tt pyramid ${where}${sortBy === undefined ? "" : ` --sort-by ${sortBy}`}`;
}

/**
 * Starts the ERP image section: fills the sort menu (stored order, then every column of the
 * instance table), opens the first sorted pyramid the bundle has (else the stored order) and shows
 * it; `onPick(tableRow)` opens a clicked instance.
 */
export function startErpSection(session: ViewerSession, onPick: (row: number) => void): ErpSection {
  const section = required("erp");
  const status = required("erp-status");
  const sortSelect = required<HTMLSelectElement>("erp-sort");
  const tableRowOf = tableRowsOfDataset(session);
  const { coordinates, channelLabels } = axesOf(session);
  let order: Int32Array | undefined;
  let matches: Int32Array = new Int32Array(0);
  const image = createErpImage(section, (imageRow) => {
    const datasetRow = order === undefined ? imageRow : order[imageRow];
    const row = datasetRow === undefined ? -1 : tableRowOf[datasetRow]!;
    if (row >= 0) onPick(row);
    else status.textContent = `instance at row ${imageRow} of the image is not in the result`;
  });
  const highlight = () => {
    const selected = new Uint8Array(tableRowOf.length);
    const position = new Int32Array(tableRowOf.length);
    for (let p = 0; p < position.length; p++) position[order === undefined ? p : order[p]!] = p;
    const datasetRowOf = new Int32Array(session.table.numRows).fill(-1);
    tableRowOf.forEach((row, at) => {
      if (row >= 0) datasetRowOf[row] = at;
    });
    for (const row of matches)
      if (datasetRowOf[row]! >= 0) selected[position[datasetRowOf[row]!]!] = 1;
    image.highlight(selected);
  };
  const sorted = sortedPyramids(session);
  const columns = [...new Set([...sorted, ...session.table.columnNames])];
  sortSelect.replaceChildren(
    element("option", { value: "", text: "(stored order)" }),
    ...columns.map((name) =>
      element("option", { value: name, text: sorted.includes(name) ? `${name} (pyramid)` : name }),
    ),
  );
  const show = async (sortBy: string) => {
    section.dataset.state = "opening";
    const opened = await openSource(session, sortBy, sorted, tableRowOf);
    if (typeof opened === "string") {
      section.dataset.state = "no-pyramid";
      section.replaceChildren(element("p", { className: "note", text: opened }));
      status.textContent = "";
      return;
    }
    order = opened.order;
    status.textContent = opened.note;
    image.show({ source: opened.source, coordinates, channelLabels });
    highlight();
  };
  sortSelect.value = sorted[0] ?? "";
  sortSelect.addEventListener("change", () => void show(sortSelect.value));
  wireButtons(image);
  void show(sortSelect.value);
  return {
    highlight(rows) {
      matches = rows;
      highlight();
    },
    resize: () => image.resize(),
  };
}

/** The zoom buttons and the reduction menu. */
function wireButtons(image: ReturnType<typeof createErpImage>): void {
  required("erp-zoom-in").addEventListener("click", () => image.zoom(2));
  required("erp-zoom-out").addEventListener("click", () => image.zoom(0.5));
  required("erp-reset").addEventListener("click", () => image.reset());
  const reduction = required<HTMLSelectElement>("erp-reduction");
  reduction.addEventListener("change", () => image.setReduction(reduction.value as ErpReduction));
}

/**
 * The tile source for `sortBy`: the sorted pyramid when the bundle has one, the stored-order
 * pyramid for no sort, else base rows in the column's order (zoomed in); or what to say when the
 * bundle has no pyramid at all.
 */
async function openSource(
  session: ViewerSession,
  sortBy: string,
  sorted: readonly string[],
  tableRowOf: Int32Array,
) {
  if (session.datasetUrl === undefined)
    return "The ERP image reads a pyramid of a dataset opened by URL; this one is held in memory.";
  try {
    if (sortBy !== "" && sorted.includes(sortBy)) {
      const pyramid = (await pyramidOf(session.datasetUrl, sortBy)) as unknown as PyramidLike;
      const note = `rows sorted by ${sortBy} (${pyramid.sortBy?.descending ? "descending" : "ascending"}, nulls last)`;
      return { source: tileSource(pyramid), order: pyramid.order, note };
    }
    const pyramid = (await pyramidOf(session.datasetUrl)) as unknown as PyramidLike;
    if (sortBy === "")
      return { source: tileSource(pyramid), order: undefined, note: "rows in stored order" };
    const tableRows = Int32Array.from(tableRowOf).filter((row) => row >= 0);
    const byColumn = sortRows(tableRows, session.table.column(sortBy), false);
    const datasetRowOf = new Int32Array(session.table.numRows);
    tableRowOf.forEach((row, at) => {
      if (row >= 0) datasetRowOf[row] = at;
    });
    const order = Int32Array.from(byColumn, (row) => datasetRowOf[row]!);
    const note = `rows sorted by ${sortBy} read from the base array, ${order.length} instances of the result (no pyramid sorted by it: ${buildHint(session, sortBy)} builds one)`;
    return { source: baseRowSource(pyramid, order), order, note };
  } catch (error) {
    if (!isTensorToolsError(error, "not-found")) throw error;
    return `This dataset has no pyramid, which the ERP image reads (the level that fits the screen, tile by tile). Build one with: ${buildHint(session)}`;
  }
}

/** The pyramids opened (or being opened) by the page, by dataset URL and sort column. */
const pyramids = new Map<string, Promise<PyramidLike>>();

/** The pyramid of the dataset at `datasetUrl` sorted by `sortBy` (stored order without), opened once. */
function pyramidOf(datasetUrl: string, sortBy?: string): Promise<PyramidLike> {
  const key = `${datasetUrl} ${sortBy ?? ""}`;
  let pyramid = pyramids.get(key);
  if (pyramid === undefined) {
    const options = sortBy === undefined ? {} : { sortBy };
    pyramid = openPyramid(bundleStore(datasetUrl), options) as unknown as Promise<PyramidLike>;
    pyramids.set(key, pyramid);
  }
  return pyramid;
}

/**
 * Starts opening the pyramid the ERP image shows first (the first sorted one the manifest names,
 * else the stored order) while the rest of the page opens the dataset and the result: the
 * manifest is read once for both. A failure here is left for the image to report.
 *
 * @example
 * ```ts
 * prefetchPyramid(params.dataset);
 * const session = await openSession(params.dataset, params.result);
 * ```
 */
export function prefetchPyramid(datasetUrl: string): void {
  const opening = (async () => {
    const bytes = await bundleStore(datasetUrl).get("manifest.json");
    if (bytes === undefined) return;
    const manifest = JSON.parse(new TextDecoder().decode(bytes)) as Manifest;
    const sorted = (manifest.pyramids ?? []).flatMap((p) =>
      p.field === "data" && p.sort_by ? [p.sort_by.column] : [],
    );
    await pyramidOf(datasetUrl, sorted[0]);
  })();
  opening.catch(() => {});
}
