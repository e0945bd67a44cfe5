/** Line and bar charts drawn by uPlot on canvas: the component waveforms, the instance, the variance. */

import uPlot from "uplot";

/** One curve of a line chart. */
export interface Curve {
  /** The legend label. */
  readonly label: string;
  /** A CSS colour. */
  readonly colour: string;
  /** The y values, one per x. */
  readonly values: ArrayLike<number>;
  /** A dash pattern, e.g. `[6, 4]`; solid when omitted. */
  readonly dash?: number[];
  /** Line width in CSS pixels; 1.5 when omitted. */
  readonly width?: number;
}

/** What a line chart shows. */
export interface LineChartSpec {
  /** The title above the chart. */
  readonly title: string;
  /** The shared x values, ascending. */
  readonly x: ArrayLike<number>;
  /** What x is. */
  readonly xLabel: string;
  /** The curves. */
  readonly curves: readonly Curve[];
  /** Height in CSS pixels. */
  readonly height: number;
}

const AXIS_STYLE = {
  stroke: "#444",
  grid: { stroke: "#eee", width: 1 },
  ticks: { stroke: "#ddd", width: 1 },
  font: "11px system-ui, sans-serif",
  labelFont: "11px system-ui, sans-serif",
};

/** The width a chart gets in `container`: its content width, at least 160 pixels. */
export function chartWidth(container: HTMLElement): number {
  return Math.max(160, Math.floor(container.clientWidth));
}

/** Draws a line chart into `container` (which it empties) and returns the chart. */
export function lineChart(container: HTMLElement, spec: LineChartSpec): uPlot {
  container.replaceChildren();
  const options: uPlot.Options = {
    title: spec.title,
    width: chartWidth(container),
    height: spec.height,
    legend: { show: false },
    cursor: { drag: { x: true, y: false }, points: { size: 5 } },
    scales: { x: { time: false } },
    axes: [
      { ...AXIS_STYLE, label: spec.xLabel, labelSize: 18, size: 32 },
      { ...AXIS_STYLE, size: 48 },
    ],
    series: [
      { label: spec.xLabel },
      ...spec.curves.map((curve) => ({
        label: curve.label,
        stroke: curve.colour,
        width: curve.width ?? 1.5,
        ...(curve.dash === undefined ? {} : { dash: curve.dash }),
        points: { show: false },
      })),
    ],
  };
  const data = [spec.x, ...spec.curves.map((curve) => curve.values)] as uPlot.AlignedData;
  return new uPlot(options, data, container);
}

/** What a bar chart shows: one bar per label. */
export interface BarChartSpec {
  /** The title above the chart. */
  readonly title: string;
  /** What the bars measure. */
  readonly yLabel: string;
  /** The bar heights. */
  readonly values: ArrayLike<number>;
  /** The bar colour. */
  readonly colour: string;
  /** Height in CSS pixels. */
  readonly height: number;
  /** The bars' labels along x (e.g. channel ids); components 1..k when omitted. */
  readonly labels?: readonly string[];
  /** What x is; `component` when omitted. */
  readonly xLabel?: string;
}

/** Draws a bar chart of components 1..k (or of `labels`) into `container` (which it empties). */
export function barChart(container: HTMLElement, spec: BarChartSpec): uPlot {
  container.replaceChildren();
  const x = Array.from({ length: spec.values.length }, (_, i) => i + 1);
  const bars = uPlot.paths.bars!({ size: [0.7, 60] });
  const xLabel = spec.xLabel ?? "component";
  const labelOf = (at: number) => spec.labels?.[at - 1] ?? String(at);
  const options: uPlot.Options = {
    title: spec.title,
    width: chartWidth(container),
    height: spec.height,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: false, range: [0.5, spec.values.length + 0.5] },
      y: {
        range: (_u, min, max) => [Math.min(0, min * 1.1), max > 0 ? max * 1.1 : min < 0 ? 0 : 1],
      },
    },
    axes: [
      {
        ...AXIS_STYLE,
        label: xLabel,
        labelSize: 18,
        size: 32,
        splits: () => x,
        values: (_u, splits) => splits.map(labelOf),
      },
      { ...AXIS_STYLE, label: spec.yLabel, labelSize: 18, size: 56 },
    ],
    series: [
      { label: xLabel },
      {
        label: spec.yLabel,
        stroke: spec.colour,
        fill: spec.colour,
        paths: bars,
        points: { show: false },
      },
    ],
  };
  return new uPlot(options, [x, Array.from(spec.values)], container);
}
