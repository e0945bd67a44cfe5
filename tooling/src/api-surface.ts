import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** One export of a module's public API. */
export interface ApiEntry {
  /** The exported name (`default` for a default export). */
  name: string;
  /** `value` when importers can use it at run time (function, class, const, enum), else `type`. */
  kind: "value" | "type";
}

/** The tsconfig every package extends, so the API is read the way the packages compile. */
const BASE_TSCONFIG = fileURLToPath(new URL("../tsconfig.base.json", import.meta.url));

let cachedOptions: ts.CompilerOptions | undefined;

/** The compiler options of the repo's base tsconfig: Bundler resolution, `@tt/source` condition. */
function repoCompilerOptions(): ts.CompilerOptions {
  if (cachedOptions !== undefined) return cachedOptions;
  const read = ts.readConfigFile(BASE_TSCONFIG, ts.sys.readFile);
  if (read.error !== undefined) {
    throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
  }
  const raw = (read.config as { compilerOptions?: unknown }).compilerOptions ?? {};
  const { options, errors } = ts.convertCompilerOptionsFromJson(raw, dirname(BASE_TSCONFIG));
  const [error] = errors;
  if (error !== undefined) {
    throw new Error(ts.flattenDiagnosticMessageText(error.messageText, "\n"));
  }
  cachedOptions = { ...options, noEmit: true };
  return cachedOptions;
}

/**
 * Whether an export is type-only somewhere along its re-export chain (`export type { X }`,
 * `export { type X }`, `import type { X }` then `export { X }`): importers then cannot use it as a
 * value even when the declaration behind it is a class or a const.
 */
function isTypeOnlyAlias(checker: ts.TypeChecker, symbol: ts.Symbol): boolean {
  let current: ts.Symbol | undefined = symbol;
  const visited = new Set<ts.Symbol>();
  while (current !== undefined && current.flags & ts.SymbolFlags.Alias && !visited.has(current)) {
    visited.add(current);
    if (current.declarations?.some((node) => ts.isTypeOnlyImportOrExportDeclaration(node))) {
      return true;
    }
    current = checker.getImmediateAliasedSymbol(current);
  }
  return false;
}

/** Whether an exported symbol has a meaning at run time for importers. */
function hasValueMeaning(checker: ts.TypeChecker, symbol: ts.Symbol): boolean {
  if (isTypeOnlyAlias(checker, symbol)) return false;
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  return (target.flags & ts.SymbolFlags.Value) !== 0;
}

/**
 * The public API of an entry file: every name it exports, directly or re-exported, with whether it
 * is a value or only a type, sorted by name. Reads the module with the TypeScript checker, so
 * `export *` chains are followed the way importers see them.
 */
export function publicApi(entryFile: string): ApiEntry[] {
  const entry = resolve(entryFile);
  const program = ts.createProgram({ rootNames: [entry], options: repoCompilerOptions() });
  const source = program.getSourceFile(entry);
  if (source === undefined) throw new Error(`${entry} could not be read`);
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(source);
  // A file without imports or exports is a script, not a module: it exports nothing.
  if (moduleSymbol === undefined) return [];
  return checker
    .getExportsOfModule(moduleSymbol)
    .map((symbol): ApiEntry => {
      const kind = hasValueMeaning(checker, symbol) ? "value" : "type";
      return { name: symbol.getName(), kind };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
