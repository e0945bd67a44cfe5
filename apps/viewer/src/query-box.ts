/**
 * The query box: applies the expression as the user types (after a short pause, or at once on
 * Enter) and shows a failed query's reason and a caret under its position inline.
 */

import { caretLines, type QueryProblem } from "./query-state.js";

/** How long typing must pause before the query runs, in milliseconds. */
export const QUERY_DELAY_MS = 200;

/**
 * Sets the box to `initial` and calls `apply(expression)` after each pause in typing and on
 * Enter; an initial expression that is not blank is applied at once.
 */
export function wireQueryBox(
  input: HTMLInputElement,
  initial: string,
  apply: (expression: string) => void,
): void {
  input.value = initial;
  let pending: ReturnType<typeof setTimeout> | undefined;
  let last: string | undefined;
  const run = () => {
    clearTimeout(pending);
    if (input.value === last) return;
    last = input.value;
    apply(input.value);
  };
  input.addEventListener("input", () => {
    clearTimeout(pending);
    pending = setTimeout(run, QUERY_DELAY_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") run();
  });
  if (initial.trim() !== "") run();
  else last = initial;
}

/**
 * Shows `problem` in the error element (its reason, then the expression with a caret), or hides
 * the element when there is none. The element's `data-position` is the fault's offset.
 */
export function renderQueryProblem(
  container: HTMLElement,
  problem: QueryProblem | undefined,
): void {
  const reason = container.querySelector(".query-error-reason")!;
  const caret = container.querySelector(".query-error-caret")!;
  container.hidden = problem === undefined;
  reason.textContent = problem === undefined ? "" : problem.reason;
  caret.textContent = problem === undefined ? "" : caretLines(problem);
  if (problem?.position === undefined) delete container.dataset.position;
  else container.dataset.position = String(problem.position);
}
