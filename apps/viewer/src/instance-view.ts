/**
 * The selected instance: per panel (e.g. channel) its data read from the dataset beside its
 * reconstruction from the components.
 */

import { curveLegend, element } from "./dom.js";
import type { InstanceCurves } from "./instance-curves.js";
import { lineChart } from "./line-charts.js";
import type { WaveformPlan } from "./waveform-plan.js";

/** The colours of the instance's data and of its reconstruction. */
const DATA_COLOUR = "#333";
const RECONSTRUCTION_COLOUR = "#e15759";

/**
 * Draws the instance's curves into `container`, one chart per panel; sets `data-panels` (charts
 * drawn) and `data-reconstruction` (`drawn`, or `missing` when the instance has no scores).
 */
export function renderInstance(
  container: HTMLElement,
  plan: WaveformPlan,
  title: string,
  curves: InstanceCurves,
): void {
  const panels = plan.panelLabels.map((label) =>
    element("div", { className: "panel", title: label }),
  );
  const entries = [{ label: "data", colour: DATA_COLOUR }];
  if (curves.reconstruction !== undefined)
    entries.push({ label: "reconstruction from the scores", colour: RECONSTRUCTION_COLOUR });
  container.replaceChildren(curveLegend(entries), ...panels);
  panels.forEach((panel, p) => {
    const data = { label: "data", colour: DATA_COLOUR, values: curves.original[p]!, width: 1.2 };
    const reconstruction = curves.reconstruction?.[p];
    lineChart(panel, {
      title: `${title}${plan.panelLabels[p] ? ` · ${plan.panelLabels[p]}` : ""}`,
      x: plan.x,
      xLabel: plan.xLabel,
      height: 150,
      curves:
        reconstruction === undefined
          ? [data]
          : [
              data,
              {
                label: "reconstruction",
                colour: RECONSTRUCTION_COLOUR,
                values: reconstruction,
                width: 2,
              },
            ],
    });
  });
  container.dataset.panels = String(panels.length);
  container.dataset.reconstruction = curves.reconstruction === undefined ? "missing" : "drawn";
}

/** Replaces the instance view with a message, e.g. while loading or after a failure. */
export function instanceMessage(
  container: HTMLElement,
  text: string,
  kind: "note" | "error",
): void {
  container.replaceChildren(element("p", { className: kind, text }));
  container.dataset.panels = "0";
  delete container.dataset.reconstruction;
}
