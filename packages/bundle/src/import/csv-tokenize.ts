/** Splitting CSV text into records and fields (RFC 4180), keeping the line each record starts on. */

import { DataError } from "@tt/schema";

/** The records of a CSV text and the 1-based line each starts on (records may span lines). */
export interface CsvRecords {
  /** The fields of each record, unquoted and unescaped. */
  readonly records: string[][];
  /** The line in the text on which each record starts. */
  readonly lines: number[];
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits `text` into records. Fields may be quoted with `"`, a quote inside doubled (`""`);
 * quoted fields may hold delimiters and line breaks. Records end at LF, CRLF or a lone CR.
 * Empty lines are skipped (a record with one empty field must be written as `""`).
 */
export function tokenizeCsv(text: string, delimiter: string): CsvRecords {
  const delimiterCode = delimiter.charCodeAt(0);
  const records: string[][] = [];
  const lines: number[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const first = text.charCodeAt(i);
    if (first === LF || first === CR) {
      i = skipLineBreak(text, i);
      line++;
      continue;
    }
    const recordLine = line;
    const fields: string[] = [];
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        const end = closingQuote(text, i, line, fields.length + 1);
        fields.push(text.slice(i + 1, end).replaceAll('""', '"'));
        line += countLineBreaks(text, i + 1, end);
        i = end + 1;
        const next = text.charCodeAt(i);
        if (i < n && next !== delimiterCode && next !== LF && next !== CR) {
          throw new DataError(
            `line ${line}`,
            `unexpected ${JSON.stringify(text[i])} after the closing quote of field ${fields.length}; a quoted field must be followed by the delimiter or the end of the line (write a quote inside a quoted field as "")`,
          );
        }
      } else {
        let end = i;
        while (end < n) {
          const code = text.charCodeAt(end);
          if (code === delimiterCode || code === LF || code === CR) break;
          end++;
        }
        fields.push(text.slice(i, end));
        i = end;
      }
      if (i < n && text.charCodeAt(i) === delimiterCode) {
        i++;
        continue;
      }
      break;
    }
    if (i < n) {
      i = skipLineBreak(text, i);
      line++;
    }
    records.push(fields);
    lines.push(recordLine);
  }
  return { records, lines };
}

/** The index of the quote that closes the quoted field opening at `open`. */
function closingQuote(text: string, open: number, line: number, field: number): number {
  let search = open + 1;
  for (;;) {
    const quote = text.indexOf('"', search);
    if (quote === -1) {
      throw new DataError(
        `line ${line}`,
        `the quoted field ${field} is never closed; end it with a quote (and write quotes inside it as "")`,
      );
    }
    if (text.charCodeAt(quote + 1) !== QUOTE) return quote;
    search = quote + 2;
  }
}

function skipLineBreak(text: string, i: number): number {
  return text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
}

/** Line breaks (LF, CRLF or lone CR) in `text` from `start` to `end`. */
function countLineBreaks(text: string, start: number, end: number): number {
  let count = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === LF || (code === CR && text.charCodeAt(i + 1) !== LF)) count++;
  }
  return count;
}
