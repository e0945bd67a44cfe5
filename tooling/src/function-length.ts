import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { displayPath } from "./workspace.js";

/** A function this many lines long or longer does too many things: split it into named steps. */
export const MAX_FUNCTION_LINES = 80;

/** One function of a source file and its length. */
export interface FunctionLength {
  /** The file, relative to the repo root with forward slashes. */
  file: string;
  /**
   * The function's name qualified by what encloses it: `createStore`, `createStore.write` for a
   * method of the object it returns or a function nested in it, `ZarrStore.constructor`,
   * `readAll.(anonymous)` for an unnamed callback.
   */
  name: string;
  /** The 1-based line the function starts on (its first token, not its doc comment). */
  line: number;
  /** Lines from its first to its last line, both included: nested functions count too. */
  lines: number;
}

/** A function allowed to stay too long for now, named by file and qualified name. */
export interface AllowedLongFunction {
  file: string;
  name: string;
}

/**
 * The functions of `packages/` that are still 80 lines or longer while their owners split them
 * (issue 17, item 2). This list must shrink to empty: the check fails when a function not on it is
 * too long, and also when one on it is no longer too long (or no longer exists), so an entry is
 * removed in the same change that splits the function.
 */
export const LONG_FUNCTIONS_ALLOWED: readonly AllowedLongFunction[] = [];

/** A node that has a body of statements or an expression: a function in the sense of this check. */
type FunctionNode =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration
  | ts.ConstructorDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration;

function isFunctionNode(node: ts.Node): node is FunctionNode {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

/** The text of a declaration name that is written out (`x`, `"x"`, `#x`), else `undefined`. */
function nameText(name: ts.Node | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name)) return `[${name.expression.getText()}]`;
  return undefined;
}

/**
 * The own name of a function: its declared name, or for an expression the variable, property or
 * class field it is assigned to; `(anonymous)` when nothing names it.
 */
function ownName(node: FunctionNode): string {
  if (ts.isConstructorDeclaration(node)) return "constructor";
  const declared = nameText(node.name);
  if (declared !== undefined) return declared;
  const parent = node.parent;
  if (
    ts.isVariableDeclaration(parent) ||
    ts.isPropertyAssignment(parent) ||
    ts.isPropertyDeclaration(parent)
  ) {
    return nameText(parent.name) ?? "(anonymous)";
  }
  if (ts.isExportAssignment(parent)) return "default";
  return "(anonymous)";
}

/** The name a class contributes to the names of its members, `(class)` when it has none. */
function className(node: ts.ClassLikeDeclaration): string {
  const declared = nameText(node.name);
  if (declared !== undefined) return declared;
  return ts.isVariableDeclaration(node.parent)
    ? (nameText(node.parent.name) ?? "(class)")
    : "(class)";
}

/** The 1-based line of a position. */
function lineOf(source: ts.SourceFile, position: number): number {
  return source.getLineAndCharacterOfPosition(position).line + 1;
}

/**
 * Every function of one source file with its length, in source order: declarations, function
 * expressions, arrow functions, methods, constructors and accessors, nested ones included. A length
 * runs from the function's first token to its last, so a doc comment does not count and the
 * functions nested in it and the object literals it returns do.
 */
export function measureFunctions(file: string, text: string): FunctionLength[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: FunctionLength[] = [];
  const visit = (node: ts.Node, scope: readonly string[]): void => {
    let inner = scope;
    if (isFunctionNode(node)) {
      const name = [...scope, ownName(node)].join(".");
      const line = lineOf(source, node.getStart(source));
      found.push({ file, name, line, lines: lineOf(source, node.getEnd()) - line + 1 });
      inner = [...scope, ownName(node)];
    } else if (ts.isClassLike(node)) {
      inner = [...scope, className(node)];
    }
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  visit(source, []);
  return found;
}

/** Every `.ts` file below a folder (not `.d.ts`, not `*.generated.ts`), sorted. */
function checkedFilesBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && !entry.name.startsWith(".")) {
        files.push(...checkedFilesBelow(path));
      }
    } else if (
      entry.name.endsWith(".ts") &&
      !entry.name.endsWith(".d.ts") &&
      !entry.name.endsWith(".generated.ts")
    ) {
      files.push(path);
    }
  }
  return files.sort();
}

/** The source files the check reads: `packages/<name>/src/**\/*.ts` except generated code. */
export function checkedFiles(root: string): string[] {
  const packagesDir = join(root, "packages");
  if (!existsSync(packagesDir)) return [];
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .flatMap((name) => checkedFilesBelow(join(packagesDir, name, "src")))
    .map((file) => displayPath(root, file));
}

/** Every function of `packages/*\/src` that is `limit` lines or longer, longest first. */
export function longFunctions(root: string, limit: number = MAX_FUNCTION_LINES): FunctionLength[] {
  return checkedFiles(root)
    .flatMap((file) => measureFunctions(file, readFileSync(join(root, file), "utf8")))
    .filter((fn) => fn.lines >= limit)
    .sort((a, b) => b.lines - a.lines || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** Whether an allow-list entry names a function. */
function allows(entry: AllowedLongFunction, fn: FunctionLength): boolean {
  return entry.file === fn.file && entry.name === fn.name;
}

/**
 * What is wrong with the function lengths of a repo, one sentence each: a function `limit` lines or
 * longer that the allow-list does not name, and an allow-list entry that names no such function
 * (it was split, renamed or removed, so the entry must go).
 */
export function checkFunctionLengths(
  root: string,
  allowed: readonly AllowedLongFunction[] = LONG_FUNCTIONS_ALLOWED,
  limit: number = MAX_FUNCTION_LINES,
): string[] {
  const long = longFunctions(root, limit);
  const tooLong = long
    .filter((fn) => !allowed.some((entry) => allows(entry, fn)))
    .map(
      (fn) =>
        `${fn.file}:${fn.line} ${fn.name} is ${fn.lines} lines long; ` +
        `split it into named steps of under ${limit} lines`,
    );
  const stale = allowed
    .filter((entry) => !long.some((fn) => allows(entry, fn)))
    .map(
      (entry) =>
        `${entry.file} ${entry.name} is allowed to be long but no function of that name is ` +
        `${limit} lines or longer any more: remove it from LONG_FUNCTIONS_ALLOWED`,
    );
  return [...tooLong, ...stale];
}
