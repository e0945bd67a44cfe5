import ts from "typescript";

/** The syntax an import came from, so messages and rules can tell them apart. */
export type ImportSyntax =
  | "import"
  | "export-from"
  | "side-effect"
  | "dynamic-import"
  | "import-require"
  | "import-type-node";

/** One module specifier a source file refers to. */
export interface ImportReference {
  /** The module specifier exactly as written, e.g. `@tt/schema/testing` or `./tensor.js`. */
  specifier: string;
  /** The syntax it came from. */
  syntax: ImportSyntax;
  /** Whether the import vanishes from the emitted JavaScript (`import type`, `export type`). */
  typeOnly: boolean;
  /** The 1-based line of the import, for messages. */
  line: number;
}

/** The TypeScript script kind of a file name, so JSX in TSX files parses. */
function scriptKindOf(fileName: string): ts.ScriptKind {
  return fileName.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
}

/** The text of a string literal node, or `undefined` when the node is computed at run time. */
function literalText(node: ts.Node | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  return undefined;
}

/**
 * Every module specifier a source file refers to: static imports and `export ... from`, type-only
 * imports, side-effect imports, `import("x")` with a literal, `import x = require("x")` and
 * `import("x").T` in type positions. Parses the text with the TypeScript compiler, so imports in
 * comments and strings are not mistaken for real ones.
 */
export function collectImports(fileName: string, text: string): ImportReference[] {
  const source = ts.createSourceFile(
    fileName,
    text,
    ts.ScriptTarget.Latest,
    true,
    scriptKindOf(fileName),
  );
  const found: ImportReference[] = [];
  const add = (node: ts.Node, specifier: string, syntax: ImportSyntax, typeOnly: boolean) => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    found.push({ specifier, syntax, typeOnly, line });
  };

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const specifier = literalText(node.moduleSpecifier);
      if (specifier !== undefined) {
        const clause = node.importClause;
        const syntax = clause === undefined ? "side-effect" : "import";
        add(node, specifier, syntax, clause?.isTypeOnly ?? false);
      }
    } else if (ts.isExportDeclaration(node)) {
      const specifier = literalText(node.moduleSpecifier);
      if (specifier !== undefined) add(node, specifier, "export-from", node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node)) {
      const reference = node.moduleReference;
      if (ts.isExternalModuleReference(reference)) {
        const specifier = literalText(reference.expression);
        if (specifier !== undefined) add(node, specifier, "import-require", node.isTypeOnly);
      }
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const specifier = literalText(node.arguments[0]);
      if (specifier !== undefined) add(node, specifier, "dynamic-import", false);
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument)) {
        const specifier = literalText(argument.literal);
        if (specifier !== undefined) add(node, specifier, "import-type-node", true);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
