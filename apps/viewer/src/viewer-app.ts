/**
 * The page's state and wiring: which scores are on the axes, the colour column, the current
 * query's matches and the selected instance, and every view redrawn from them.
 */

import { type ColourScale, colourScale, isCategorical, MAX_CATEGORIES } from "./colour-scale.js";
import { componentBars, renderBars, renderComponents } from "./component-view.js";
import { cellText, element, required } from "./dom.js";
import { type ErpSection, startErpSection } from "./erp-app.js";
import { type InstanceCurves, instanceCurves } from "./instance-curves.js";
import { createInstanceTable, tableColumns } from "./instance-table.js";
import { instanceMessage, renderInstance } from "./instance-view.js";
import { renderLegend } from "./legend.js";
import { startMethodSection } from "./method-view.js";
import type { ViewerParams } from "./params.js";
import { renderQueryProblem, wireQueryBox } from "./query-box.js";
import { allRows, runQuery } from "./query-state.js";
import { otherPoints, type PointSeries, splitByGroup } from "./scatter-data.js";
import { createScatterPlot } from "./scatter-plot.js";
import { renderExportControls } from "./selection-export.js";
import { type ArrowTable, selectionExporter, selectionTable } from "./selection-table.js";
import { numericValues, type ViewerSession } from "./session.js";
import { type WaveformPlan, waveformPlan } from "./waveform-plan.js";

/** A `<select>` filled with `names`, `chosen` selected. */
function fillSelect(select: HTMLSelectElement, names: readonly string[], chosen: string): void {
  select.replaceChildren(
    ...names.map((name) => element("option", { value: name, text: name || "(none)" })),
  );
  select.value = chosen;
}

/** The first categorical column with 2 to MAX_CATEGORIES values, not the id: a useful default. */
function defaultColourColumn(session: ViewerSession): string {
  const { table, idColumn } = session;
  for (const name of table.columnNames) {
    if (name === idColumn || !isCategorical(table.column(name))) continue;
    const values = new Set(Array.from({ length: table.numRows }, (_, r) => table.get(r, name)));
    if (values.size >= 2 && values.size <= MAX_CATEGORIES) return name;
  }
  return "";
}

/** What a page that runs the viewer can ask of it. */
export interface ViewerHandle {
  /** The session's table rows of the current selection (the query's matches), in the table's order. */
  selectionRows(): Int32Array;
  /**
   * The current selection as an Apache Arrow `Table`: `instance_id`, the result's columns (scores
   * first) and the instance metadata, in the instance table's order (loads `@tt/arrow`).
   */
  selectionTable(): Promise<ArrowTable>;
}

/**
 * Starts the viewer on an opened session: fills the controls and draws every view; `erp` is the
 * ERP image already started on the dataset (`startErpSection`), else it is started here. Returns
 * the handle through which the page reads the current selection.
 */
export function startViewer(
  session: ViewerSession,
  params: ViewerParams,
  erp: ErpSection = startErpSection(session),
): ViewerHandle {
  const app = required("app");
  const { table, scoreColumns, idColumn } = session;
  const pick = (wanted: string | undefined, fallback: string) =>
    wanted !== undefined && scoreColumns.includes(wanted) ? wanted : fallback;
  const state = {
    x: pick(params.x, scoreColumns[0]!),
    y: pick(params.y, scoreColumns[1] ?? scoreColumns[0]!),
    colour:
      params.colour !== undefined && table.has(params.colour)
        ? params.colour
        : defaultColourColumn(session),
    rows: allRows(table),
    selected: undefined as number | undefined,
    curves: undefined as InstanceCurves | undefined,
  };
  let xs = numericValues(table.column(state.x));
  let ys = numericValues(table.column(state.y));
  let scale: ColourScale = colourScale(undefined, table.numRows);
  let series: PointSeries[] = [];
  let context: PointSeries | undefined;
  let loading = 0;

  const scatterBox = required("scatter");
  const tooltip = element("div", { className: "tooltip", hidden: "" });
  const describe = (row: number) => {
    const colour = state.colour
      ? ` · ${state.colour} ${cellText(table.get(row, state.colour))}`
      : "";
    return `${idColumn} ${cellText(table.get(row, idColumn))}${colour}`;
  };
  const scatter = createScatterPlot(scatterBox, tooltip, (row) => select(row), describe);
  const instanceTable = createInstanceTable(
    required("instance-table"),
    required("table-pager"),
    table,
    tableColumns(table, [idColumn, ...scoreColumns]),
    (row) => select(row),
  );
  const instancePanels = required("instance-panels");
  erp.attach(session, (row) => select(row));
  const method = startMethodSection(required("method-parts"), session.result);

  let plan: WaveformPlan | undefined;
  try {
    if (session.components === undefined) throw new Error("the result has no components tensor");
    plan = waveformPlan(session.dataset, session.components);
  } catch (error) {
    required("component-panels").replaceChildren(
      element("p", {
        className: "error",
        text: `components not shown: ${(error as Error).message}`,
      }),
    );
  }

  const drawScatter = () => {
    const selected = state.selected;
    scatter.update({
      series,
      groups: scale.groups,
      xLabel: state.x,
      yLabel: state.y,
      ...(context !== undefined ? { context } : {}),
      ...(selected !== undefined && Number.isFinite(xs[selected]!) && Number.isFinite(ys[selected]!)
        ? { selected: { row: selected, x: xs[selected]!, y: ys[selected]! } }
        : {}),
    });
  };
  const drawTable = () => instanceTable.update(state.rows, state.selected);
  const redraw = () => {
    series = splitByGroup(state.rows, scale.groupOfRow, scale.groups.length, xs, ys);
    context = otherPoints(table.numRows, state.rows, xs, ys);
    drawScatter();
    renderLegend(required("legend"), state.colour || undefined, scale, series);
    drawTable();
    erp.highlight(state.rows);
    const count = required("match-count");
    const points = series.reduce((sum, s) => sum + s.rows.length, 0);
    count.dataset.matches = String(state.rows.length);
    count.textContent =
      `${state.rows.length} of ${table.numRows} instances match` +
      (points < state.rows.length ? ` · ${points} plotted (the rest have no score)` : "");
    required("table-title").textContent =
      `instances: ${state.rows.length} matches (click a header to sort, a row to open it)`;
  };
  const recolour = () => {
    scale = colourScale(state.colour ? table.column(state.colour) : undefined, table.numRows);
    redraw();
  };

  const drawInstance = () => {
    if (plan === undefined || state.selected === undefined || state.curves === undefined) return;
    const id = cellText(table.get(state.selected, idColumn));
    renderInstance(instancePanels, plan, `${idColumn} ${id}`, state.curves);
  };
  async function select(row: number): Promise<void> {
    state.selected = row;
    const id = table.get(row, idColumn);
    app.dataset.selected = String(id);
    drawScatter();
    drawTable();
    const error = table.has(`${session.prefix}recon_error`)
      ? ` · recon_error ${cellText(table.get(row, `${session.prefix}recon_error`))}`
      : "";
    required("instance-title").textContent = `${idColumn} ${cellText(id)}${error}`;
    method.showInstance(id as string);
    if (plan === undefined) {
      const why = session.scoreKind === "power" ? "plots power, not scores, and " : "";
      instanceMessage(
        instancePanels,
        `no reconstruction: the ${session.result.method} result ${why}has no components tensor`,
        "note",
      );
      return;
    }
    const ticket = ++loading;
    instanceMessage(instancePanels, `reading ${cellText(id)} from the dataset…`, "note");
    try {
      const curves = await instanceCurves(session, plan, row);
      if (ticket !== loading) return;
      state.curves = curves;
      drawInstance();
    } catch (failure) {
      if (ticket !== loading) return;
      instanceMessage(
        instancePanels,
        `could not read ${cellText(id)}: ${(failure as Error).message}`,
        "error",
      );
    }
  }

  const xSelect = required<HTMLSelectElement>("x-column");
  const ySelect = required<HTMLSelectElement>("y-column");
  const colourSelect = required<HTMLSelectElement>("colour-column");
  fillSelect(xSelect, scoreColumns, state.x);
  fillSelect(ySelect, scoreColumns, state.y);
  fillSelect(colourSelect, ["", ...table.columnNames], state.colour);
  xSelect.addEventListener("change", () => {
    state.x = xSelect.value;
    xs = numericValues(table.column(state.x));
    redraw();
  });
  ySelect.addEventListener("change", () => {
    state.y = ySelect.value;
    ys = numericValues(table.column(state.y));
    redraw();
  });
  colourSelect.addEventListener("change", () => {
    state.colour = colourSelect.value;
    recolour();
  });

  if (plan !== undefined) renderComponents(required("component-panels"), plan);
  renderBars(
    required("bars"),
    componentBars(
      session.result.factorTables.component,
      session.result.diagnostics.explained_variance_ratio,
    ),
  );
  recolour();
  wireQueryBox(required<HTMLInputElement>("query"), params.query, (expression) => {
    const outcome = runQuery(table, expression);
    renderQueryProblem(required("query-error"), outcome.ok ? undefined : outcome.problem);
    if (!outcome.ok) return;
    state.rows = outcome.rows;
    required("match-count").dataset.query = outcome.expression;
    redraw();
  });

  const selectionRows = () => instanceTable.order();
  renderExportControls(required("selection-export"), selectionExporter(session, selectionRows));

  let resizing: ReturnType<typeof setTimeout> | undefined;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => {
      scatter.resize();
      erp.resize();
      if (plan !== undefined) renderComponents(required("component-panels"), plan);
      drawInstance();
    }, 200);
  });
  return { selectionRows, selectionTable: () => selectionTable(session, selectionRows()) };
}
