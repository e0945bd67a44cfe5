/**
 * The score scatter: uPlot in its faceted (x/y per series) mode, one series per colour group plus
 * one for the selected instance, drawn on canvas. Drag zooms, double-click resets, a click picks
 * the nearest point. Above {@link DENSITY_THRESHOLD} points the groups are drawn as a density
 * image of the visible window (`scatter-density.ts`), the rows outside the query in grey beneath.
 */

import uPlot from "uplot";
import type { ColourGroup } from "./colour-scale.js";
import { chartWidth } from "./line-charts.js";
import { nearestRow, type PointSeries, pointCount } from "./scatter-data.js";
import { binPoints, DENSITY_THRESHOLD, densityPixels } from "./scatter-density.js";

/** What the scatter shows. */
export interface ScatterData {
  /** One series per colour group, in group order. */
  readonly series: readonly PointSeries[];
  /** The colour groups, as many as series. */
  readonly groups: readonly ColourGroup[];
  /** The axis titles. */
  readonly xLabel: string;
  readonly yLabel: string;
  /** The selected point, if any: its table row and coordinates. */
  readonly selected?: { row: number; x: number; y: number };
  /** The scored rows outside the query: drawn in grey beneath the density image. */
  readonly context?: Pick<PointSeries, "x" | "y">;
}

/** The scatter on the page: redraw with new data, and whom to tell about picks. */
export interface ScatterPlot {
  /**
   * Draws `data`; a change in the groups or axes rebuilds the chart, new series reset the zoom,
   * a new selection alone keeps it.
   */
  update(data: ScatterData): void;
  /** Fits the chart to its container's width. */
  resize(): void;
}

/** How far from a point, in CSS pixels, a click or hover still hits it. */
const HIT_RADIUS = 10;

/** Pads a data range by 5% each side; an empty range becomes [-1, 1]. */
function paddedRange(_u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max))
    return [-1, 1];
  return uPlot.rangeNum(min, max, 0.05, true);
}

/** A series that is never drawn but spans the auto range of both axes. */
function hiddenSeries(label: string): uPlot.Series {
  return {
    label,
    facets: [
      { scale: "x", auto: true },
      { scale: "y", auto: true },
    ],
    paths: () => null,
    points: { show: false },
  } as uPlot.Series;
}

/** The uPlot series of one colour group: filled dots of its colour, or nothing in density mode. */
function groupSeries(group: ColourGroup, density: boolean): uPlot.Series {
  if (density) return hiddenSeries(group.label);
  return {
    ...hiddenSeries(group.label),
    fill: group.colour,
    stroke: group.colour,
    paths: uPlot.paths.points!(),
    points: { show: true, size: 4, width: 0, fill: group.colour },
  } as uPlot.Series;
}

/** The rows outside the query in density mode: never drawn as dots, but in the auto range. */
const CONTEXT_SERIES = hiddenSeries("other rows");

/** The series of the selected instance: a dark ring, left out of the auto range. */
const SELECTED_SERIES = {
  label: "selected",
  stroke: "#111",
  fill: "rgba(0,0,0,0)",
  width: 2,
  facets: [
    { scale: "x", auto: false },
    { scale: "y", auto: false },
  ],
  paths: uPlot.paths.points!(),
  points: { show: true, size: 14, width: 2.5, fill: "rgba(0,0,0,0)", stroke: "#111" },
} as uPlot.Series;

/**
 * Creates the scatter in `container`. `onPick(row)` is called with the table row of the point
 * nearest to a click; the container's `data-points` holds the number of points drawn and its
 * `data-x-min`, `data-x-max`, `data-y-min`, `data-y-max` the visible ranges.
 */
export function createScatterPlot(
  container: HTMLElement,
  tooltip: HTMLElement,
  onPick: (row: number) => void,
  describe: (row: number) => string,
): ScatterPlot {
  let chart: uPlot | undefined;
  let groupsKey = "";
  let current: ScatterData | undefined;

  const target = (event: MouseEvent) => {
    if (chart === undefined) return undefined;
    const { x, y } = chart.scales;
    const width = chart.over.clientWidth;
    const height = chart.over.clientHeight;
    return {
      x: chart.posToVal(event.offsetX, "x"),
      y: chart.posToVal(event.offsetY, "y"),
      pixelsPerX: width / Math.max(1e-300, (x!.max ?? 1) - (x!.min ?? 0)),
      pixelsPerY: height / Math.max(1e-300, (y!.max ?? 1) - (y!.min ?? 0)),
      radius: HIT_RADIUS,
    };
  };

  const build = (data: ScatterData, density: boolean) => {
    chart?.destroy();
    container.replaceChildren();
    const options: uPlot.Options = {
      mode: 2,
      width: chartWidth(container),
      height: Math.max(320, Math.min(520, Math.round(chartWidth(container) * 0.75))),
      legend: { show: false },
      cursor: {
        drag: { x: true, y: true, uni: 20 },
        points: { show: false },
        dataIdx: () => null as unknown as number,
      },
      scales: {
        x: { time: false, auto: true, range: paddedRange },
        y: { auto: true, range: paddedRange },
      },
      axes: [
        { label: data.xLabel, labelSize: 18, size: 34, stroke: "#444", grid: { stroke: "#eee" } },
        { label: data.yLabel, labelSize: 18, size: 54, stroke: "#444", grid: { stroke: "#eee" } },
      ],
      series: [
        {},
        ...data.groups.map((g) => groupSeries(g, density)),
        CONTEXT_SERIES,
        SELECTED_SERIES,
      ],
      hooks: {
        drawAxes: [
          (u) => {
            if (density && current !== undefined) drawDensity(u, current, container);
          },
        ],
        setScale: [
          (u, key) => {
            const scale = u.scales[key]!;
            container.dataset[`${key}Min`] = String(scale.min);
            container.dataset[`${key}Max`] = String(scale.max);
          },
        ],
      },
    };
    chart = new uPlot(options, toFacets(data, density), container);
    let pressed: { x: number; y: number } | undefined;
    chart.over.addEventListener("mousedown", (event) => {
      pressed = { x: event.clientX, y: event.clientY };
    });
    chart.over.addEventListener("click", (event) => {
      const moved = pressed && Math.hypot(event.clientX - pressed.x, event.clientY - pressed.y) > 3;
      const at = target(event);
      if (moved || at === undefined || current === undefined) return;
      const row = nearestRow(current.series, at);
      if (row !== undefined) onPick(row);
    });
    chart.over.addEventListener("mousemove", (event) => {
      const at = target(event);
      const row = at && current ? nearestRow(current.series, { ...at, radius: 6 }) : undefined;
      tooltip.hidden = row === undefined;
      if (row === undefined) return;
      tooltip.textContent = describe(row);
      tooltip.style.left = `${event.offsetX + 12}px`;
      tooltip.style.top = `${event.offsetY + 12}px`;
    });
    chart.over.addEventListener("mouseleave", () => {
      tooltip.hidden = true;
    });
    chart.over.append(tooltip);
  };

  return {
    update(data) {
      const sameSeries = current?.series === data.series;
      current = data;
      const density = pointCount(data.series) + (data.context?.x.length ?? 0) >= DENSITY_THRESHOLD;
      const key = JSON.stringify([data.groups, data.xLabel, data.yLabel, density]);
      container.dataset.mode = density ? "density" : "points";
      if (chart === undefined || key !== groupsKey) {
        groupsKey = key;
        build(data, density);
      } else if (!sameSeries) chart.setData(toFacets(data, density), true);
      else {
        // Without a scale reset uPlot does not redraw by itself; the zoom stays as it is.
        chart.setData(toFacets(data, density), false);
        chart.redraw();
      }
      container.dataset.points = String(pointCount(data.series));
    },
    resize() {
      if (chart !== undefined)
        chart.setSize({ width: chartWidth(container), height: chart.height });
    },
  };
}

/**
 * The faceted data uPlot's mode 2 takes: null, then [xs, ys] per series; in density mode the
 * context (rows outside the query) is a series too, so the axes span it.
 */
function toFacets(data: ScatterData, density: boolean): uPlot.AlignedData {
  const selected = data.selected;
  const context = density ? data.context : undefined;
  const facets = [
    null,
    ...data.series.map((s) => [s.x, s.y]),
    context === undefined ? [[], []] : [context.x, context.y],
    selected === undefined ? [[], []] : [[selected.x], [selected.y]],
  ];
  return facets as unknown as uPlot.AlignedData;
}

/** CSS pixels a side of a density bin. */
const BIN_PIXELS = 3;

/**
 * Paints the density image of `data` over the plotting area, under the series (a `drawAxes`
 * hook). `data-density-bins` counts the bins with points of the selection, `data-highlighted`
 * the selection's points in the window.
 */
function drawDensity(u: uPlot, data: ScatterData, container: HTMLElement): void {
  const { left, top, width, height } = u.bbox;
  const x = u.scales.x!;
  const y = u.scales.y!;
  if (x.min == null || x.max == null || y.min == null || y.max == null) return;
  const ratio = width / Math.max(1, u.over.clientWidth);
  const columns = Math.max(1, Math.round(width / (BIN_PIXELS * ratio)));
  const rows = Math.max(1, Math.round(height / (BIN_PIXELS * ratio)));
  const window = { xMin: x.min, xMax: x.max, yMin: y.min, yMax: y.max };
  const grid = binPoints(data.series, window, columns, rows);
  const context = data.context && binPoints([data.context], window, columns, rows).counts[0];
  const pixels = densityPixels(
    grid,
    data.groups.map((g) => g.colour),
    context,
  );
  const image = document.createElement("canvas");
  image.width = columns;
  image.height = rows;
  image.getContext("2d")!.putImageData(new ImageData(pixels, columns, rows), 0, 0);
  u.ctx.save();
  u.ctx.imageSmoothingEnabled = false;
  u.ctx.drawImage(image, left, top, width, height);
  u.ctx.restore();
  let bins = 0;
  let highlighted = 0;
  for (let i = 0; i < columns * rows; i++) {
    let sum = 0;
    for (const counts of grid.counts) sum += counts[i]!;
    if (sum > 0) bins++;
    highlighted += sum;
  }
  container.dataset.densityBins = String(bins);
  container.dataset.highlighted = String(highlighted);
}
