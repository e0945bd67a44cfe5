/**
 * What some methods write beside scores and components, drawn when the result has it: per
 * component the channel map (ICA's `mixing_k` per channel) and the selected instance's activation
 * time course, Tucker's factor curves per axis and its core as a table of values. What the result
 * does not hold is said on the page.
 */

import type { AxisAnnotatedTensor, DecompositionResult } from "tensortools/browser";
import { CATEGORY_PALETTE } from "./colour-scale.js";
import { cellText, curveLegend, element } from "./dom.js";
import { barChart, lineChart } from "./line-charts.js";
import {
  type AxisWeights,
  axisWeights,
  type CoreSlice,
  coreSlices,
  instanceCourse,
} from "./method-parts.js";
import { axisCoordinates } from "./sample-axis.js";

/** The method section on the page: redraws the parts that follow a component or an instance. */
export interface MethodSection {
  /** Shows the activation of the instance with `id` (ICA). */
  showInstance(id: string | number | bigint): void;
}

/** A note paragraph. */
function note(text: string, kind: "note" | "error" = "note"): HTMLElement {
  return element("p", { className: kind, text });
}

/** One chart per axis with a curve per factor column along the axis's elements. */
function renderFactorCurves(container: HTMLElement, weights: readonly AxisWeights[]): void {
  const panels = weights.map((axis) =>
    element("div", { className: "panel factor-panel", "data-axis": axis.axis }),
  );
  container.replaceChildren(...panels);
  weights.forEach((axis, a) => {
    const colours = axis.columns.map((_, k) => CATEGORY_PALETTE[k % CATEGORY_PALETTE.length]!);
    const numeric = axis.ids.every((id) => id !== "" && Number.isFinite(Number(id)));
    const x = Float64Array.from(axis.ids, (id, i) => (numeric ? Number(id) : i));
    const ascending = x.every((v, i) => i === 0 || v > x[i - 1]!);
    lineChart(panels[a]!, {
      title: `${axis.axis} factors (${axis.columns.join(", ")})`,
      x: ascending ? x : Float64Array.from(axis.ids, (_, i) => i),
      xLabel: ascending && numeric ? `${axis.axis} id` : `${axis.axis} position`,
      height: 170,
      curves: axis.values.map((values, k) => ({
        label: axis.columns[k]!,
        colour: colours[k]!,
        values,
      })),
    });
    panels[a]!.prepend(
      curveLegend(axis.columns.map((label, k) => ({ label, colour: colours[k]! }))),
    );
  });
  container.dataset.factorAxes = weights.map((axis) => axis.axis).join(" ");
}

/** A colour for `value` on a blue (negative) to red (positive) scale up to `limit`. */
function cellColour(value: number, limit: number): string {
  const t = limit > 0 ? Math.max(-1, Math.min(1, value / limit)) : 0;
  return t >= 0
    ? `rgba(225, 87, 89, ${(0.8 * t).toFixed(3)})`
    : `rgba(78, 121, 167, ${(-0.8 * t).toFixed(3)})`;
}

/** The core's slices as tables of values, shaded by sign and size (a small heat map). */
function renderCore(container: HTMLElement, slices: readonly CoreSlice[]): void {
  const limit = Math.max(
    ...slices.flatMap((slice) => slice.values.flatMap((r) => [...r].map(Math.abs))),
  );
  const tables = slices.map((slice) =>
    element("table", { className: "core-slice", "data-slice": slice.label }, [
      element("caption", { text: slice.label }),
      element("thead", {}, [
        element("tr", {}, [
          element("th", { text: "" }),
          ...slice.columnLabels.map((label) => element("th", { scope: "col", text: label })),
        ]),
      ]),
      element(
        "tbody",
        {},
        slice.values.map((row, r) =>
          element("tr", {}, [
            element("th", { scope: "row", text: slice.rowLabels[r]! }),
            ...Array.from(row, (value) =>
              element("td", {
                text: cellText(value),
                "data-value": value,
                style: `background: ${cellColour(value, limit)}`,
              }),
            ),
          ]),
        ),
      ),
    ]),
  );
  container.replaceChildren(element("h3", { text: "core" }), ...tables);
  container.dataset.slices = String(slices.length);
}

/** The channel map of `component` (0-based): its mixing weights per channel, as bars. */
function renderChannelMap(container: HTMLElement, map: AxisWeights, component: number): void {
  barChart(container, {
    title: `component ${component + 1}: ${map.columns[component]} per ${map.axis}`,
    yLabel: "weight",
    xLabel: map.axis,
    labels: map.ids,
    values: map.values[component]!,
    colour: CATEGORY_PALETTE[component % CATEGORY_PALETTE.length]!,
    height: 200,
  });
  const weights = map.values[component]!;
  container.append(
    element("p", {
      className: "note weights",
      text: map.ids.map((id, i) => `${id} ${cellText(weights[i])}`).join(" · "),
    }),
  );
  container.dataset.component = String(component + 1);
  container.dataset.bars = String(map.ids.length);
}

/** Draws the activation of `id` in `component`, or says why it cannot. */
function renderActivation(
  container: HTMLElement,
  activations: AxisAnnotatedTensor,
  component: number,
  id: string | number | bigint,
): void {
  const course = instanceCourse(activations, component, id);
  if (course === undefined) {
    container.replaceChildren(note(`the activations hold no instance ${String(id)}`));
    container.dataset.state = "missing";
    return;
  }
  const sampleAxis = activations.axes[2];
  const { values: x, label } =
    activations.axes.length === 3 && sampleAxis !== undefined
      ? axisCoordinates(
          activations.axisMeta[sampleAxis],
          activations.axisIndex[sampleAxis],
          sampleAxis,
          course.length,
        )
      : { values: Float64Array.from(course, (_, i) => i), label: "sample" };
  lineChart(container, {
    title:
      `activation of component ${component + 1} · instance ${String(id)} ` +
      `(min ${cellText(Math.min(...course))}, max ${cellText(Math.max(...course))})`,
    x,
    xLabel: label,
    height: 170,
    curves: [{ label: "activation", colour: CATEGORY_PALETTE[component % 10]!, values: course }],
  });
  container.dataset.state = "drawn";
  container.dataset.instance = String(id);
  container.dataset.samples = String(course.length);
}

/** The ICA parts: a component picker, the channel map, the selected instance's activation. */
function startIca(
  container: HTMLElement,
  map: AxisWeights | undefined,
  activations: AxisAnnotatedTensor | undefined,
): MethodSection {
  const rank = map?.columns.length ?? activations?.shape[0] ?? 0;
  const picker = element(
    "select",
    { id: "method-component", "aria-label": "component" },
    Array.from({ length: rank }, (_, k) => element("option", { value: k, text: `${k + 1}` })),
  );
  const mapBox = element("div", { id: "channel-map" });
  const activationBox = element("div", { id: "activation", "data-state": "none" }, [
    note("click a point or a table row to see its activation in the chosen component"),
  ]);
  let shown: string | number | bigint | undefined;
  const draw = () => {
    const component = Number(picker.value);
    if (map !== undefined) renderChannelMap(mapBox, map, component);
    else mapBox.replaceChildren(note("the result has no channel table with mixing_k weights"));
    if (activations === undefined)
      activationBox.replaceChildren(note("the result has no activations tensor"));
    else if (shown !== undefined) renderActivation(activationBox, activations, component, shown);
  };
  picker.addEventListener("change", draw);
  container.replaceChildren(
    element("div", { className: "controls" }, [element("label", {}, ["component ", picker])]),
    mapBox,
    activationBox,
  );
  draw();
  return {
    showInstance(id) {
      shown = id;
      draw();
    },
  };
}

/**
 * Fills `container` with what the result holds beyond scores and components: ICA's channel maps
 * and activations, factor curves per axis and a core (Tucker); a note when it holds none of them.
 */
export function startMethodSection(
  container: HTMLElement,
  result: DecompositionResult,
): MethodSection {
  const { factorTables, componentTensors } = result;
  const maps = axisWeights(factorTables, "mixing");
  const { activations, core } = componentTensors;
  container.dataset.method = result.method;
  if (maps.length > 0 || activations !== undefined)
    return startIca(container, maps[0], activations);
  const factors = axisWeights(factorTables, "factor");
  const factorBox = element("div", { id: "factor-curves" });
  const coreBox = element("div", { id: "core" });
  container.replaceChildren(factorBox, coreBox);
  if (factors.length > 0) renderFactorCurves(factorBox, factors);
  if (core !== undefined) renderCore(coreBox, coreSlices(core));
  if (factors.length === 0 && core === undefined)
    container.replaceChildren(
      note(
        `the ${result.method} result has no channel maps, activations, axis factors or core: ` +
          "its scores and components are shown above",
      ),
    );
  // Factor curves and a core are the same for every instance: a selection changes nothing here.
  return { showInstance: () => undefined };
}
