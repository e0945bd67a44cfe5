/** Tucker's output: the factor tables, the core and components tensors, and the diagnostics. */

import {
  componentsTensor,
  idColumn,
  instanceTable,
  type MatrixSource,
  type Plan,
  preprocessingTensors,
} from "@tt/decompose-core";
import {
  type AnyColumn,
  columnFromValues,
  createTensor,
  INSTANCE_TABLE,
  type JsonObject,
  MetaTable,
  type MethodOutput,
  type ReadableView,
  takeColumn,
} from "@tt/schema";

/** The fitted model in the data's units. */
export interface TuckerModel {
  /** The rank of every mode, instance mode first. */
  ranks: number[];
  /** U₀ (n × r₀, orthonormal columns, signed). */
  instanceFactor: Float64Array;
  /** U₁ … Uₘ (dₖ × rₖ, orthonormal columns, signed). */
  factors: Float64Array[];
  /** The core, r₀ × r₁ × … × rₘ in C order. */
  core: Float64Array;
  /** r₀ × p: each instance component's pattern, the core's slice times the other factors. */
  components: Float64Array;
  /** Per used instance, the norm of its residual. */
  reconError: Float64Array;
}

/** The factor table of a non-instance axis: its ids (kept positions) and factor_1..factor_k. */
function axisFactorTable(
  view: ReadableView,
  plan: Plan,
  axis: string,
  factor: Float64Array,
  k: number,
): MetaTable {
  const kept = plan.kept[axis]!;
  const { name, column } = idColumn(view, axis);
  const columns: Record<string, AnyColumn> = { [name]: takeColumn(column, kept) as AnyColumn };
  for (let c = 0; c < k; c++)
    columns[`factor_${c + 1}`] = columnFromValues(
      "float64",
      Float64Array.from({ length: kept.length }, (_, a) => factor[a * k + c]!),
    );
  return MetaTable.fromColumns(columns);
}

/**
 * The component table: per instance component, the norm of its core slice and its share of the
 * model's sum of squares (‖G[s]‖² / ‖G‖², the factors being orthonormal).
 */
function componentTable(core: Float64Array, r0: number): MetaTable {
  const q = core.length / r0;
  const squares = Float64Array.from({ length: r0 }, (_, s) => {
    let sum = 0;
    for (let c = 0; c < q; c++) sum += core[s * q + c]! ** 2;
    return sum;
  });
  const total = squares.reduce((a, b) => a + b, 0);
  return MetaTable.fromColumns({
    component: columnFromValues(
      "int32",
      Int32Array.from({ length: r0 }, (_, i) => i + 1),
    ),
    core_norm: columnFromValues("float64", squares.map(Math.sqrt)),
    share_of_fit: columnFromValues(
      "float64",
      squares.map((x) => (total > 0 ? x / total : 0)),
    ),
  });
}

/** The core as a tensor over `<axis>_factor` axes, each indexed 1..r. */
function coreTensor(plan: Plan, model: TuckerModel) {
  const axes = [plan.rowAxis, ...plan.columnAxes].map((axis) => `${axis}_factor`);
  return createTensor({
    data: model.core,
    shape: model.ranks,
    axes,
    axisIndex: Object.fromEntries(
      axes.map((axis, k) => [axis, Int32Array.from({ length: model.ranks[k]! }, (_, i) => i + 1)]),
    ),
  });
}

/** The method output of a fit. */
export function tuckerOutput(
  view: ReadableView,
  plan: Plan,
  source: MatrixSource,
  model: TuckerModel,
  diagnostics: JsonObject,
): MethodOutput {
  const r0 = model.ranks[0]!;
  const table = componentTable(model.core, r0);
  const factorTables: MethodOutput["factorTables"] = {
    [INSTANCE_TABLE]: instanceTable(
      view,
      plan,
      source.usedRows,
      model.instanceFactor,
      r0,
      model.reconError,
    ),
  };
  plan.columnAxes.forEach((axis, k) => {
    factorTables[axis] = axisFactorTable(view, plan, axis, model.factors[k]!, model.ranks[k + 1]!);
  });
  factorTables.component = table;
  return {
    factorTables,
    componentTensors: {
      core: coreTensor(plan, model),
      components: componentsTensor(view, plan, model.components, r0, table),
      ...preprocessingTensors(view, plan, source),
    },
    diagnostics,
  };
}
