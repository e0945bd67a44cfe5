/** The legend of the scatter's colours: a swatch, a label and a count of matching points each. */

import type { ColourScale } from "./colour-scale.js";
import { element } from "./dom.js";
import type { PointSeries } from "./scatter-data.js";

/** Fills `container` with one entry per colour group, with the number of its points drawn. */
export function renderLegend(
  container: HTMLElement,
  column: string | undefined,
  scale: ColourScale,
  series: readonly PointSeries[],
): void {
  const title =
    column === undefined
      ? "all points"
      : `${column} (${scale.kind === "numeric" ? "gradient" : "categories"})`;
  const entries = scale.groups.map((group, i) =>
    element("li", {}, [
      element("span", { className: "swatch", style: `background: ${group.colour}` }),
      element("span", { className: "legend-label", text: group.label }),
      element("span", { className: "legend-count", text: String(series[i]?.rows.length ?? 0) }),
    ]),
  );
  container.replaceChildren(
    element("div", { className: "legend-title", text: title }),
    element("ul", {}, entries),
  );
}
