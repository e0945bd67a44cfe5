/** The conformance kit for decomposition methods. */

import { findNonJson } from "../json.js";
import {
  type DecompositionMethod,
  type FitContext,
  INSTANCE_ID,
  INSTANCE_TABLE,
  type MethodOutput,
  type Progress,
} from "../method.js";
import type { AxisAnnotatedTensor } from "../tensor.js";
import { createTensor } from "../tensor.js";
import type { ReadableView } from "../view.js";
import {
  type ConformanceCase,
  check,
  rejectsWhenAborted,
  rejectsWithTag,
  sameElements,
} from "./conformance.js";
import { viewFromTensor } from "./tensor-view.js";

/** One input a method is checked on. */
export interface MethodCase {
  /** Names the case in check names. */
  name: string;
  /** The input; its first axis must have ids (an index array or the id column below). */
  tensor: AxisAnnotatedTensor;
  /** The id column of each axis, when ids live in metadata. */
  axisIndexColumns?: Record<string, string>;
  /** The config to fit with (validated by the method first). */
  config: unknown;
  /** Extra assertions on the output; throw to fail. */
  check?(output: MethodOutput, view: ReadableView): void | Promise<void>;
}

function context(seed: number, progress: Progress[] = [], signal?: AbortSignal): FitContext {
  return { seed, signal, onProgress: (p) => progress.push(p) };
}

function sameTables(a: MethodOutput, b: MethodOutput): boolean {
  const axes = Object.keys(a.factorTables);
  if (!sameElements(axes, Object.keys(b.factorTables))) return false;
  return axes.every((axis) => {
    const x = a.factorTables[axis]!;
    const y = b.factorTables[axis]!;
    return (
      sameElements(x.columnNames, y.columnNames) &&
      x.columnNames.every((name) => sameElements(x.column(name).values, y.column(name).values))
    );
  });
}

/** What the checks of one input share: the method, the input, and how to fit it. */
interface CaseContext<C extends object> {
  method: DecompositionMethod<C>;
  input: MethodCase;
  /** Names the method and the input in check names. */
  label: string;
  /** A fresh view of the input. */
  view(): ReadableView;
  /** Fits the method to a fresh view with the validated config of the input. */
  fitInput(seed?: number, progress?: Progress[]): Promise<MethodOutput>;
}

function caseContext<C extends object>(
  method: DecompositionMethod<C>,
  input: MethodCase,
  prefix: string,
): CaseContext<C> {
  const view = () => viewFromTensor(input.tensor, input.axisIndexColumns);
  return {
    method,
    input,
    label: `${prefix} on ${input.name}`,
    view,
    fitInput: async (seed = 7, progress: Progress[] = []) =>
      method.fit(view(), method.validate(input.config), context(seed, progress)),
  };
}

function identityCase<C extends object>(
  method: DecompositionMethod<C>,
  prefix: string,
): ConformanceCase {
  return {
    name: `${prefix} has an id, a version and JSON defaults`,
    async run() {
      check(typeof method.id === "string" && method.id.length > 0, "id must be a non-empty string");
      check(
        typeof method.version === "string" && method.version.length > 0,
        "version must be a string",
      );
      const where = findNonJson(method.defaults);
      check(where === undefined, `defaults are not JSON at ${where}`);
    },
  };
}

function nonObjectConfigCase<C extends object>(
  method: DecompositionMethod<C>,
  prefix: string,
): ConformanceCase {
  return {
    name: `${prefix} rejects a config that is not an object with a config error`,
    async run() {
      for (const bad of [42, "rank", [], null]) {
        await rejectsWithTag(
          async () => method.validate(bad),
          "config",
          `validate(${JSON.stringify(bad)})`,
        );
      }
    },
  };
}

function validateCase<C extends object>({ method, input, label }: CaseContext<C>): ConformanceCase {
  return {
    name: `${label}: validate returns a complete JSON config and is idempotent`,
    async run() {
      const full = method.validate(input.config);
      const where = findNonJson(full);
      check(where === undefined, `validated config is not JSON at ${where}`);
      const again = method.validate(JSON.parse(JSON.stringify(full)));
      check(
        JSON.stringify(again) === JSON.stringify(full),
        "validate(validate(config)) differs from validate(config)",
      );
    },
  };
}

/**
 * Checks the result contract: the instance table `instance` has one row per element of the
 * input's first axis, and its first column `instance_id` lists the input's ids in order.
 */
function checkKeyedByIds(output: MethodOutput, v: ReadableView): void {
  const first = v.axes[0]!;
  const table = output.factorTables[INSTANCE_TABLE];
  check(
    table !== undefined,
    `no '${INSTANCE_TABLE}' factor table (the one for the first axis '${first}'); it has ${Object.keys(output.factorTables).join(", ") || "none"}`,
  );
  check(
    table.numRows === v.shape[0],
    `factor table has ${table.numRows} rows for ${v.shape[0]} elements`,
  );
  const ids = v.ids(first);
  check(ids !== undefined, `the case must give ids for axis '${first}'`);
  check(
    table.columnNames[0] === INSTANCE_ID,
    `the '${INSTANCE_TABLE}' table's first column must be '${INSTANCE_ID}', got ${table.columnNames.join(", ")}`,
  );
  check(
    sameElements(table.column(INSTANCE_ID).values, ids),
    "factor table ids differ from the input ids or their order",
  );
}

/** Checks the component tensors, the diagnostics and the progress reports of a fit. */
function checkWellFormed(output: MethodOutput, progress: readonly Progress[]): void {
  for (const [name, tensor] of Object.entries(output.componentTensors)) {
    createTensor({ ...tensor, dtype: tensor.dtype });
    check(
      tensor.data.length > 0 || tensor.shape.includes(0),
      `component tensor '${name}' is empty`,
    );
  }
  const where = findNonJson(output.diagnostics);
  check(where === undefined, `diagnostics are not JSON at ${where}`);
  check(
    progress.every((p) => p.fraction >= 0 && p.fraction <= 1),
    "progress fractions must lie in 0..1",
  );
}

function outputCase<C extends object>(ctx: CaseContext<C>): ConformanceCase {
  return {
    name: `${ctx.label}: output is keyed by the input ids and well formed`,
    async run() {
      const progress: Progress[] = [];
      const v = ctx.view();
      const output = await ctx.fitInput(7, progress);
      checkKeyedByIds(output, v);
      checkWellFormed(output, progress);
      await ctx.input.check?.(output, v);
    },
  };
}

function seedCase<C extends object>({ label, fitInput }: CaseContext<C>): ConformanceCase {
  return {
    name: `${label}: the same seed gives the same result`,
    async run() {
      check(sameTables(await fitInput(11), await fitInput(11)), "two fits with seed 11 differ");
    },
  };
}

function abortCase<C extends object>({ method, input, label, view }: CaseContext<C>) {
  return {
    name: `${label}: an aborted signal stops the fit`,
    async run() {
      await rejectsWhenAborted(
        (signal) => method.fit(view(), method.validate(input.config), context(7, [], signal)),
        "fit with an aborted signal",
      );
    },
  };
}

/**
 * Conformance checks every {@link DecompositionMethod} must pass on each of `cases`: a complete,
 * JSON, idempotent config; config errors for non-objects; an instance table keyed by the input
 * ids in order; valid component tensors; JSON diagnostics; the same seed giving the same
 * result; progress within 0..1; and prompt rejection when aborted.
 *
 * @example
 * ```ts
 * for (const c of testMethod(kmeans, [{ name: "blobs", tensor, config: { k: 3 } }])) it(c.name, c.run);
 * ```
 */
export function testMethod<C extends object>(
  method: DecompositionMethod<C>,
  cases: readonly MethodCase[],
): ConformanceCase[] {
  const prefix = `method '${method.id}'`;
  const perCase = cases.flatMap((input): ConformanceCase[] => {
    const ctx = caseContext(method, input, prefix);
    return [validateCase(ctx), outputCase(ctx), seedCase(ctx), abortCase(ctx)];
  });
  return [identityCase(method, prefix), nonObjectConfigCase(method, prefix), ...perCase];
}
