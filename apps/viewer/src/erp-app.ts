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

/**
 * What the ERP image needs before the result is open: the dataset and where it is.
 *
 * @example
 * ```ts
 * const input: ErpInput = { dataset: await openViewerDataset(url), datasetUrl: url };
 * ```
 */
export type ErpInput = Pick<ViewerSession, "dataset" | "datasetUrl">;

/** The ERP image as the rest of the page sees it. */
export interface ErpSection {
  /**
   * Joins the opened result: the sort menu gets the instance table's columns, a clicked row
   * opens its instance (`onPick(tableRow)`) and the query's rows can be marked.
   */
  attach(session: ViewerSession, onPick: (row: number) => void): void;
  /** Marks the table rows `rows` (the query's matches) on the image. */
  highlight(rows: Int32Array): void;
  /** Draws again at the page's new width. */
  resize(): void;
  /** Settles when the first picture is painted (or the section shows why it has none). */
  readonly firstPicture: Promise<void>;
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
function axesOf({ dataset }: ErpInput) {
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
function sortedPyramids(session: ErpInput): string[] {
  const pyramids = session.dataset.manifest.pyramids ?? [];
  return pyramids.flatMap((p) => (p.field === "data" && p.sort_by ? [p.sort_by.column] : []));
}

/** The hint printed where the image would be: how to build what is missing. */
function buildHint(session: ErpInput, sortBy?: string): string {
  const where = session.datasetUrl ?? "<bundle>";
  return `tt pyramid ${where}${sortBy === undefined ? "" : ` --sort-by ${sortBy}`}`;
}

/** The sort menu: the stored order, the sorted pyramids', then the table's columns. */
function fillSortMenu(select: HTMLSelectElement, sorted: readonly string[], table: string[]) {
  const chosen = select.value;
  select.replaceChildren(
    element("option", { value: "", text: "(stored order)" }),
    ...[...new Set([...sorted, ...table])].map((name) =>
      element("option", { value: name, text: sorted.includes(name) ? `${name} (pyramid)` : name }),
    ),
  );
  select.value = chosen;
}

/** Settles when `section` is drawn, in error or without a pyramid, or after `ms` at most. */
function firstPictureOf(section: HTMLElement, ms: number): Promise<void> {
  const done = () => ["drawn", "error", "no-pyramid"].includes(section.dataset.state ?? "");
  return new Promise((settle) => {
    const observer = new MutationObserver(() => {
      if (done()) finish();
    });
    const timer = setTimeout(() => finish(), ms);
    const finish = () => {
      observer.disconnect();
      clearTimeout(timer);
      settle();
    };
    observer.observe(section, { attributes: true, attributeFilter: ["data-state"] });
  });
}

/**
 * How long the rest of the page waits for the image's first picture before it reads on.
 *
 * @example
 * ```ts
 * await Promise.race([erp.firstPicture, sleep(FIRST_PICTURE_WAIT_MS)]); // what firstPicture does
 * ```
 */
export const FIRST_PICTURE_WAIT_MS = 3000;

/**
 * Starts the ERP image section on the dataset alone: fills the sort menu with the sorted
 * pyramids (the stored order, then each column the bundle has a sorted pyramid for), opens the
 * first sorted pyramid (else the stored order) and shows it. `attach(session)` joins the result
 * once it is open (the menu gets every column of the instance table, a clicked instance is
 * passed to its `onPick`). The result's tables are not needed for the first picture, so the page can
 * read them after it (`firstPicture`).
 *
 * @example
 * ```ts
 * const erp = startErpSection({ dataset, datasetUrl });
 * await erp.firstPicture;
 * erp.attach(await openSession(datasetUrl, resultUrl, dataset), (row) => select(row));
 * ```
 */
export function startErpSection(input: ErpInput): ErpSection {
  const section = required("erp");
  const status = required("erp-status");
  const sortSelect = required<HTMLSelectElement>("erp-sort");
  let session: ViewerSession | undefined;
  let onPick: (row: number) => void = () => {};
  let tableRowOf: Int32Array = new Int32Array(0);
  const { coordinates, channelLabels } = axesOf(input);
  let order: Int32Array | undefined;
  let matches: Int32Array = new Int32Array(0);
  const image = createErpImage(section, (imageRow) => {
    if (session === undefined) {
      status.textContent = "the result is still opening";
      return;
    }
    const datasetRow = order === undefined ? imageRow : order[imageRow];
    const row = datasetRow === undefined ? -1 : tableRowOf[datasetRow]!;
    if (row >= 0) onPick(row);
    else status.textContent = `instance at row ${imageRow} of the image is not in the result`;
  });
  const highlight = () => {
    if (session === undefined) return;
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
  const sorted = sortedPyramids(input);
  fillSortMenu(sortSelect, sorted, []);
  const show = async (sortBy: string) => {
    section.dataset.state = "opening";
    const opened = await openSource(input, session, sortBy, sorted, tableRowOf);
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
  const firstPicture = firstPictureOf(section, FIRST_PICTURE_WAIT_MS);
  void show(sortSelect.value);
  return {
    attach(opened, pick) {
      session = opened;
      onPick = pick;
      tableRowOf = tableRowsOfDataset(opened);
      fillSortMenu(sortSelect, sorted, opened.table.columnNames);
    },
    highlight(rows) {
      matches = rows;
      highlight();
    },
    resize: () => image.resize(),
    firstPicture,
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
  input: ErpInput,
  session: ViewerSession | undefined,
  sortBy: string,
  sorted: readonly string[],
  tableRowOf: Int32Array,
) {
  if (input.datasetUrl === undefined)
    return "The ERP image reads a pyramid of a dataset opened by URL; this one is held in memory.";
  try {
    if (sortBy !== "" && sorted.includes(sortBy)) {
      const pyramid = (await pyramidOf(input.datasetUrl, sortBy)) as unknown as PyramidLike;
      const note = `rows sorted by ${sortBy} (${pyramid.sortBy?.descending ? "descending" : "ascending"}, nulls last)`;
      return { source: tileSource(pyramid), order: pyramid.order, note };
    }
    const pyramid = (await pyramidOf(input.datasetUrl)) as unknown as PyramidLike;
    if (sortBy === "")
      return { source: tileSource(pyramid), order: undefined, note: "rows in stored order" };
    if (session === undefined)
      return `no pyramid is sorted by ${sortBy}: ${buildHint(input, sortBy)}`;
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
    return `This dataset has no pyramid, which the ERP image reads (the level that fits the screen, tile by tile). Build one with: ${buildHint(input)}`;
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
