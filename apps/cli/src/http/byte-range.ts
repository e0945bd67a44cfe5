/** The `Range` header of a GET, decided against a file's size as RFC 9110 section 14 says. */

/** What to send for a Range header. */
export type RangeDecision =
  /** The whole file (200): no Range, or one to ignore (unknown unit, malformed, several ranges). */
  | { kind: "whole" }
  /** Bytes `start..end`, both inclusive (206). */
  | { kind: "part"; start: number; end: number }
  /** No byte of the range exists (416). */
  | { kind: "unsatisfiable" };

const WHOLE: RangeDecision = { kind: "whole" };
const UNSATISFIABLE: RangeDecision = { kind: "unsatisfiable" };

/**
 * Decides `header` for a file of `size` bytes. Forms: `bytes=a-b`, `bytes=a-`, `bytes=-n`. An
 * unknown unit, a malformed or invalid (`b < a`) range, or a list of ranges is ignored and the
 * whole file is sent, which RFC 9110 allows; only a well-formed range that selects no byte is
 * unsatisfiable.
 */
export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined) return WHOLE;
  const ranges = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)=(.*)$/s.exec(header);
  if (ranges === null || ranges[1]!.toLowerCase() !== "bytes") return WHOLE;
  const spec = /^\s*(\d*)-(\d*)\s*$/.exec(ranges[2]!);
  if (spec === null) return WHOLE;
  const [, first = "", last = ""] = spec;
  if (first === "" && last === "") return WHOLE;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return UNSATISFIABLE;
    return { kind: "part", start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? Number.POSITIVE_INFINITY : Number(last);
  if (end < start) return WHOLE;
  if (start >= size) return UNSATISFIABLE;
  return { kind: "part", start, end: Math.min(end, size - 1) };
}
