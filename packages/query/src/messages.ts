/**
 * Query errors whose messages stay short however long the expression: an excerpt of the
 * expression around the fault with a caret under it, and user text clipped inside the reasons.
 */

import { QueryError } from "@tt/schema";

/** Characters of the expression an error message shows around the fault. */
const EXCERPT_WIDTH = 80;
/** Characters of a name or literal a reason quotes. */
const CLIP_WIDTH = 40;
/** Names listed in a reason (available columns) before the rest are counted instead. */
const LIST_LENGTH = 20;

/** Whether the UTF-16 unit at `index` is the second half of a surrogate pair. */
function isTrailSurrogate(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff && index > 0;
}

/**
 * The part of `expression` a message shows around `position` (at most ~80 characters, `…` where
 * cut, line breaks and tabs shown as spaces) and the column of the caret under it.
 */
export function excerpt(expression: string, position: number): { text: string; caret: number } {
  let start = 0;
  let end = expression.length;
  if (end > EXCERPT_WIDTH) {
    start = Math.max(0, Math.min(position - EXCERPT_WIDTH / 2, end - EXCERPT_WIDTH));
    end = Math.min(end, start + EXCERPT_WIDTH);
    // Never split a surrogate pair at either edge.
    if (isTrailSurrogate(expression, start)) start--;
    if (end < expression.length && isTrailSurrogate(expression, end)) end++;
  }
  const before = start > 0 ? "…" : "";
  const after = end < expression.length ? "…" : "";
  const shown = expression.slice(start, end).replace(/[\t\n\r\v\f]/g, " ");
  // The caret counts characters as a terminal shows them: one per code point.
  const caret = before.length + [...shown.slice(0, position - start)].length;
  return { text: `${before}${shown}${after}`, caret };
}

/**
 * A QueryError for `reason` at `position` of `expression`. Its `expression` holds the whole
 * expression; its message shows only an excerpt with a caret line, so that a long expression
 * (a generated list of ids) does not make a message of the same length.
 */
export function queryError(expression: string, position: number, reason: string): QueryError {
  const error = new QueryError(expression, position, reason);
  const { text, caret } = excerpt(expression, error.position);
  // Set before anything reads `stack`, which V8 formats from the message on first access.
  error.message = `${reason} at position ${error.position}\n  ${text}\n  ${" ".repeat(caret)}^`;
  return error;
}

/** `text` cut to ~40 characters with `…`, for quoting names and literals in reasons. */
export function clip(text: string): string {
  if (text.length <= CLIP_WIDTH) return text;
  const end = isTrailSurrogate(text, CLIP_WIDTH) ? CLIP_WIDTH - 1 : CLIP_WIDTH;
  return `${text.slice(0, end)}… (${text.length} characters)`;
}

/** Names joined by ", ", each clipped, at most 20 of them and a count of the rest. */
export function listNames(names: readonly string[]): string {
  const shown = names.slice(0, LIST_LENGTH).map(clip).join(", ");
  return names.length > LIST_LENGTH ? `${shown}, … (${names.length - LIST_LENGTH} more)` : shown;
}
