/** Splits a query expression into tokens. */

import { clip, queryError } from "./messages.js";

/** A token of a query expression. */
export type Token =
  | { type: "number"; value: number; pos: number }
  | { type: "string"; value: string; pos: number }
  | { type: "name"; value: string; quoted: boolean; pos: number }
  | { type: "op"; value: string; pos: number }
  | { type: "end"; pos: number };

const OPERATORS = [
  "==",
  "!=",
  "<=",
  ">=",
  "<",
  ">",
  "+",
  "-",
  "*",
  "/",
  "(",
  ")",
  "[",
  "]",
  ",",
  ".",
  "&",
  "|",
  "~",
];
const ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "\\": "\\",
  "'": "'",
  '"': '"',
  "0": "\0",
};

/** The tokens of `expression`; a character that starts no token is a QueryError at its position. */
export function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (pos: number, reason: string): never => {
    throw queryError(expression, pos, reason);
  };
  while (i < expression.length) {
    const c = expression[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(expression[i + 1] ?? ""))) {
      const match = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(
        expression.slice(i),
      )!;
      i += match[0].length;
      if (/[A-Za-z_]/.test(expression[i] ?? ""))
        fail(i, `unexpected '${expression[i]}' after the number ${clip(match[0])}`);
      tokens.push({ type: "number", value: Number(match[0]), pos: start });
    } else if (c === "'" || c === '"') {
      let value = "";
      i++;
      for (;;) {
        if (i >= expression.length) fail(start, "this string is never closed");
        const d = expression[i]!;
        if (d === c) break;
        if (d === "\\") {
          const next = expression[i + 1];
          if (next === "u" && /^[0-9a-fA-F]{4}$/.test(expression.slice(i + 2, i + 6))) {
            value += String.fromCharCode(Number.parseInt(expression.slice(i + 2, i + 6), 16));
            i += 6;
            continue;
          }
          if (next === undefined || ESCAPES[next] === undefined)
            fail(i, `unknown escape '\\${next ?? ""}' in a string`);
          value += ESCAPES[next!];
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      i++;
      tokens.push({ type: "string", value, pos: start });
    } else if (c === "`") {
      const close = expression.indexOf("`", i + 1);
      if (close < 0) fail(start, "this backtick-quoted name is never closed");
      const value = expression.slice(i + 1, close);
      if (value.length === 0) fail(start, "a backtick-quoted name cannot be empty");
      tokens.push({ type: "name", value, quoted: true, pos: start });
      i = close + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(expression.slice(i))!;
      tokens.push({ type: "name", value: match[0], quoted: false, pos: start });
      i += match[0].length;
    } else {
      const op = OPERATORS.find((o) => expression.startsWith(o, i));
      if (op === undefined) {
        const hint = c === "=" ? " (use == to compare)" : c === "!" ? " (use != or not)" : "";
        fail(i, `unexpected character '${c}'${hint}`);
      }
      tokens.push({ type: "op", value: op!, pos: start });
      i += op!.length;
    }
  }
  tokens.push({ type: "end", pos: expression.length });
  return tokens;
}
