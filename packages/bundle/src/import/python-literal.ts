/**
 * A parser for the small subset of Python literals that .npy headers use: dicts, tuples, lists,
 * strings, integers, True/False/None. No eval: the header comes from a file and is untrusted.
 */

/** A parsed Python literal; tuples and lists are both arrays, dicts are Maps with string keys. */
export type PythonLiteral =
  | string
  | number
  | boolean
  | null
  | PythonTuple
  | PythonLiteral[]
  | Map<string, PythonLiteral>;

/** A Python tuple, kept apart from a list so that it can be printed back the way Python does. */
export interface PythonTuple {
  readonly tuple: readonly PythonLiteral[];
}

/** A literal that cannot be parsed: `offset` is the character position in the text. */
export class PythonLiteralSyntaxError extends Error {
  /** Zero-based character offset of the fault. */
  readonly offset: number;

  constructor(offset: number, message: string) {
    super(message);
    this.offset = offset;
  }
}

/** Parses `text` as one Python literal, allowing surrounding whitespace (a header ends in "\n"). */
export function parsePythonLiteral(text: string): PythonLiteral {
  const parser = new LiteralParser(text);
  const value = parser.value();
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail("expected the end of the header after the closing brace");
  return value;
}

/** A literal written back as Python's repr would write it, for error messages. */
export function formatPythonLiteral(value: PythonLiteral): string {
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return String(value);
  if (typeof value === "string")
    return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(formatPythonLiteral).join(", ")}]`;
  if (value instanceof Map) {
    const entries = [...value].map(
      ([k, v]) => `${formatPythonLiteral(k)}: ${formatPythonLiteral(v)}`,
    );
    return `{${entries.join(", ")}}`;
  }
  const items = value.tuple.map(formatPythonLiteral);
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", "0": "\0" };

class LiteralParser {
  #pos = 0;
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  atEnd(): boolean {
    return this.#pos >= this.#text.length;
  }

  fail(message: string): never {
    const found = this.atEnd() ? "the end of the header" : JSON.stringify(this.#text[this.#pos]);
    throw new PythonLiteralSyntaxError(this.#pos, `${message}, found ${found}`);
  }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.#text[this.#pos]!)) this.#pos++;
  }

  value(): PythonLiteral {
    this.skipSpace();
    const char = this.#text[this.#pos];
    if (char === "{") return this.#dict();
    if (char === "(") return { tuple: this.#sequence("(", ")") };
    if (char === "[") return this.#sequence("[", "]");
    if (char === "'" || char === '"') return this.#string();
    const word = /^(?:True|False|None|[-+]?\d+L?)/.exec(this.#text.slice(this.#pos));
    if (word === null)
      this.fail("expected a dict, tuple, list, string, integer, True, False or None");
    this.#pos += word[0].length;
    if (word[0] === "True") return true;
    if (word[0] === "False") return false;
    if (word[0] === "None") return null;
    // Python 2 wrote long integers with an "L" suffix: (3L, 4L).
    return Number(word[0].replace("L", ""));
  }

  #expect(char: string, what: string): void {
    this.skipSpace();
    if (this.#text[this.#pos] !== char) this.fail(`expected ${what}`);
    this.#pos++;
  }

  /** Whether the next non-space character is `close` (consumed if so). */
  #closes(close: string): boolean {
    this.skipSpace();
    if (this.#text[this.#pos] !== close) return false;
    this.#pos++;
    return true;
  }

  #dict(): Map<string, PythonLiteral> {
    this.#expect("{", "'{'");
    const dict = new Map<string, PythonLiteral>();
    while (!this.#closes("}")) {
      this.skipSpace();
      const keyOffset = this.#pos;
      const key = this.value();
      if (typeof key !== "string") {
        this.#pos = keyOffset;
        this.fail("expected a string key");
      }
      if (dict.has(key)) {
        this.#pos = keyOffset;
        this.fail(`key '${key}' appears twice`);
      }
      this.#expect(":", "':' after a dict key");
      dict.set(key, this.value());
      if (!this.#closes(",")) {
        this.#expect("}", "',' or '}' after a dict value");
        break;
      }
    }
    return dict;
  }

  #sequence(open: string, close: string): PythonLiteral[] {
    this.#expect(open, `'${open}'`);
    const items: PythonLiteral[] = [];
    while (!this.#closes(close)) {
      items.push(this.value());
      if (!this.#closes(",")) {
        this.#expect(close, `',' or '${close}'`);
        break;
      }
    }
    return items;
  }

  #string(): string {
    const quote = this.#text[this.#pos]!;
    const start = this.#pos;
    this.#pos++;
    let result = "";
    while (this.#text[this.#pos] !== quote) {
      if (this.atEnd()) {
        this.#pos = start;
        this.fail("this string is never closed");
      }
      let char = this.#text[this.#pos++]!;
      if (char === "\\") {
        const escaped = this.#text[this.#pos++] ?? "";
        char = ESCAPES[escaped] ?? escaped;
      }
      result += char;
    }
    this.#pos++;
    return result;
  }
}
