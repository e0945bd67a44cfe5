/**
 * The ERP image on the page: one canvas per channel, instances (in the pyramid's order) top to
 * bottom, samples left to right, the level that fits the screen read tile by tile, coloured on
 * the diverging scale. A strip on the left shows the query's share of each screen row. The wheel
 * and the buttons zoom, a drag pans, a click on a row opens that instance.
 */

import { element } from "./dom.js";
import { extentOf, wireCanvas } from "./erp-input.js";
import { channelPanels, compose, imageArea, paint } from "./erp-paint.js";
import { colourLimit, selectionShare } from "./erp-pixels.js";
import {
  type ErpTile,
  type ErpWindow,
  fittingLevel,
  visibleTiles,
  zoomWindow,
} from "./erp-plan.js";
import type { ErpReduction, TileSource } from "./erp-source.js";
import { type AxisCoordinates, axisTicks } from "./sample-axis.js";

/** What the image shows: the tiles, the x axis and what a row is. */
export interface ErpContent {
  readonly source: TileSource;
  readonly coordinates: AxisCoordinates;
  readonly channelLabels: readonly string[];
}

/** The image on the page. */
export interface ErpImage {
  /** Shows new content from its full extent. */
  show(content: ErpContent): void;
  /** Marks the image rows the query selects (1 per selected row, in the image's row order). */
  highlight(selected: Uint8Array): void;
  /** Zooms by `factor` about the middle (above 1 zooms in). */
  zoom(factor: number): void;
  /** Shows the mean, or the min or max envelope. */
  setReduction(reduction: ErpReduction): void;
  /** Back to the whole extent. */
  reset(): void;
  /** Draws again at the current size. */
  resize(): void;
}

/** The state of an image between draws. */
interface ErpState {
  content: ErpContent | undefined;
  view: ErpWindow;
  reduction: ErpReduction;
  limits: number[];
  selected: Uint8Array;
  ticket: number;
  draws: number;
}

/** Paints the tiles of `level` (their values per channel) for the window in view. */
function paintLevel(
  canvases: readonly HTMLCanvasElement[],
  content: ErpContent,
  state: ErpState,
  level: number,
  tiles: readonly ErpTile[],
  values: readonly (readonly Float32Array[])[],
): void {
  const { rowScale, sampleScale } = content.source.levels[level]!;
  const { view } = state;
  const area = imageArea(canvases[0]!);
  const share = selectionShare(state.selected, view.rowStart, view.rowEnd, area.height);
  const ticks = axisTicks(content.coordinates.values, view.sampleStart, view.sampleEnd, 6);
  canvases.forEach((canvas, c) => {
    state.limits[c] ??= colourLimit(values[c]!);
    const scale = { rows: rowScale, samples: sampleScale };
    paint(canvas, compose(tiles, values[c]!, state.limits[c]!, scale, view), share, ticks);
    canvas.dataset.limit = String(state.limits[c]);
  });
}

/** The tiles of each channel, read (or taken from the cache). */
function readAll(
  content: ErpContent,
  state: ErpState,
  channels: number,
  tiles: readonly ErpTile[],
) {
  const { source } = content;
  return Promise.all(
    Array.from({ length: channels }, (_, c) =>
      Promise.all(tiles.map((t) => source.read(t, c, state.reduction))),
    ),
  );
}

/**
 * A coarser level than `level` whose tiles for the window are all read already, for a picture
 * at once while the fitting level's tiles come; undefined when the fitting level's are read.
 */
function previewLevel(content: ErpContent, state: ErpState, level: number, channels: number) {
  const { source } = content;
  const read = (at: number) =>
    visibleTiles(source.levels, at, state.view).every((t) =>
      Array.from({ length: channels }, (_, c) => c).every((c) => source.has(t, c, state.reduction)),
    );
  if (read(level)) return undefined;
  for (let at = level + 1; at < source.levels.length; at++) if (read(at)) return at;
  return undefined;
}

/**
 * Reads the tiles of the level that fits each channel's canvas for the window in view and paints
 * them, after a picture from a coarser level already read when there is one (a zoom shows at
 * once, then sharpens); a draw overtaken by a newer one paints nothing more. `container` gets
 * `data-state` (`reading`, `drawn`, `error`), `data-level`, `data-tiles` (tiles per channel),
 * `data-reads` (tile reads so far), `data-draws`, `data-drawn-at` (`performance.now()` when
 * painted), `data-first-drawn-at` (when the first picture was) and, for a preview, `data-previews` and `data-preview-at`.
 */
async function draw(
  container: HTMLElement,
  canvases: readonly HTMLCanvasElement[],
  state: ErpState,
): Promise<void> {
  const { content } = state;
  if (content === undefined || canvases.length === 0) return;
  const ticket = ++state.ticket;
  const { source } = content;
  const area = imageArea(canvases[0]!);
  const level = fittingLevel(source.levels, state.view, area.width * area.height);
  const tiles = visibleTiles(source.levels, level, state.view);
  container.dataset.state = "reading";
  const preview = previewLevel(content, state, level, canvases.length);
  if (preview !== undefined) {
    const previewTiles = visibleTiles(source.levels, preview, state.view);
    const values = await readAll(content, state, canvases.length, previewTiles);
    if (ticket !== state.ticket) return;
    paintLevel(canvases, content, state, preview, previewTiles, values);
    container.dataset.previews = String(Number(container.dataset.previews ?? 0) + 1);
    container.dataset.previewAt = String(performance.now());
  }
  const values = await readAll(content, state, canvases.length, tiles);
  if (ticket !== state.ticket) return;
  paintLevel(canvases, content, state, level, tiles, values);
  const view = state.view;
  Object.assign(container.dataset, {
    state: "drawn",
    level: String(level),
    tiles: String(tiles.length),
    reads: String(source.reads()),
    draws: String(++state.draws),
    // When the picture was painted (ms since the page's time origin), for the budgets.
    drawnAt: String(performance.now()),
    firstDrawnAt: container.dataset.firstDrawnAt ?? String(performance.now()),
    window: [view.rowStart, view.rowEnd, view.sampleStart, view.sampleEnd]
      .map(Math.round)
      .join(","),
  });
}

/** The whole extent of a source's base level. */
function fullWindow(source: TileSource): ErpWindow {
  const base = source.levels[0]!;
  const rows = Math.min(base.rows, source.maxRows ?? base.rows);
  return { rowStart: 0, rowEnd: rows, sampleStart: 0, sampleEnd: base.samples };
}

/**
 * Creates the ERP image in `container`: channel panels are made by {@link ErpImage.show};
 * `onRow(row)` is called with the image row (position in the pyramid's order) clicked.
 *
 * @example
 * ```ts
 * const image = createErpImage(document.getElementById("erp")!, (row) => console.log(row));
 * image.show({ source, coordinates, channelLabels: ["channel c1"] });
 * ```
 */
export function createErpImage(container: HTMLElement, onRow: (row: number) => void): ErpImage {
  const state: ErpState = {
    content: undefined,
    view: { rowStart: 0, rowEnd: 1, sampleStart: 0, sampleEnd: 1 },
    reduction: "mean",
    limits: [],
    selected: new Uint8Array(0),
    ticket: 0,
    draws: 0,
  };
  let canvases: HTMLCanvasElement[] = [];
  const redraw = () => {
    draw(container, canvases, state).catch((error: unknown) => {
      container.dataset.state = "error";
      container.prepend(
        element("p", {
          className: "error",
          text: `could not read tiles: ${(error as Error).message}`,
        }),
      );
    });
  };
  return {
    show(content) {
      state.content = content;
      state.view = fullWindow(content.source);
      state.limits = [];
      const x = content.coordinates.label;
      canvases = channelPanels(
        container,
        content.channelLabels.map((label) => `${label} · x: ${x}`),
      );
      for (const canvas of canvases) wireCanvas(canvas, state, redraw, onRow);
      redraw();
    },
    highlight(selected) {
      state.selected = selected;
      container.dataset.selected = String(selected.reduce((sum, v) => sum + v, 0));
      redraw();
    },
    zoom(factor) {
      if (state.content === undefined) return;
      const { view } = state;
      state.view = zoomWindow(
        view,
        factor,
        (view.rowStart + view.rowEnd) / 2,
        (view.sampleStart + view.sampleEnd) / 2,
        extentOf(state.content.source),
      );
      redraw();
    },
    setReduction(reduction) {
      state.reduction = reduction;
      state.limits = [];
      redraw();
    },
    reset() {
      if (state.content === undefined) return;
      state.view = fullWindow(state.content.source);
      redraw();
    },
    resize: redraw,
  };
}
