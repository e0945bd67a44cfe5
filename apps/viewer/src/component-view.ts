/**
 * The components: one chart per panel (e.g. channel) with a curve per component along x, and a
 * bar chart of the explained variance ratio, or of the weights for a result that has them (CP).
 */

import type { MetaTable } from "tensortools/browser";
import { CATEGORY_PALETTE } from "./colour-scale.js";
import { curveLegend, element } from "./dom.js";
import { barChart, lineChart } from "./line-charts.js";
import { componentCurves } from "./waveform-layout.js";
import type { WaveformPlan } from "./waveform-plan.js";

/** The per-component numbers the bar chart shows, and what they are. */
export interface ComponentBars {
  readonly title: string;
  readonly label: string;
  readonly values: readonly number[];
}

/**
 * The bars for a result's component table: `weight` when it has one (CP), else
 * `explained_variance_ratio` (PCA, ICA), else `share_of_fit` (Tucker), else the diagnostics'
 * ratio; `undefined` when none is there.
 */
export function componentBars(
  table: MetaTable | undefined,
  diagnosticsRatio: unknown,
): ComponentBars | undefined {
  const read = (name: string) =>
    Array.from({ length: table!.numRows }, (_, row) => Number(table!.get(row, name)));
  if (table?.has("weight"))
    return { title: "component weights", label: "weight", values: read("weight") };
  if (table?.has("explained_variance_ratio"))
    return {
      title: "explained variance ratio",
      label: "ratio",
      values: read("explained_variance_ratio"),
    };
  if (table?.has("share_of_fit"))
    return { title: "share of the fit", label: "share", values: read("share_of_fit") };
  if (Array.isArray(diagnosticsRatio) && diagnosticsRatio.every((v) => typeof v === "number"))
    return { title: "explained variance ratio", label: "ratio", values: diagnosticsRatio };
  return undefined;
}

/** Draws the component curves, one chart per panel, into `container`. */
export function renderComponents(container: HTMLElement, plan: WaveformPlan): void {
  const rank = plan.components.shape[0]!;
  const perComponent = Array.from({ length: rank }, (_, k) =>
    componentCurves(plan.components.data, k, plan.grid, plan.layout),
  );
  const colours = perComponent.map((_, k) => CATEGORY_PALETTE[k % CATEGORY_PALETTE.length]!);
  const legend = curveLegend(colours.map((colour, k) => ({ label: `component ${k + 1}`, colour })));
  const panels = plan.panelLabels.map((label) =>
    element("div", { className: "panel", title: label }),
  );
  container.replaceChildren(legend, ...panels);
  panels.forEach((panel, p) => {
    lineChart(panel, {
      title: plan.panelLabels[p] || "components",
      x: plan.x,
      xLabel: plan.xLabel,
      height: 170,
      curves: perComponent.map((curves, k) => ({
        label: `${k + 1}`,
        colour: colours[k]!,
        values: curves[p]!,
      })),
    });
  });
  container.dataset.panels = String(panels.length);
}

/** Draws the bar chart of `bars` into `container`, or says there is nothing to show. */
export function renderBars(container: HTMLElement, bars: ComponentBars | undefined): void {
  if (bars === undefined) {
    container.replaceChildren(
      element("p", {
        className: "note",
        text: "the result's component table has no weights or explained variance",
      }),
    );
    return;
  }
  barChart(container, {
    title: bars.title,
    yLabel: bars.label,
    values: bars.values,
    colour: CATEGORY_PALETTE[0]!,
    height: 200,
  });
  container.dataset.bars = String(bars.values.length);
}
