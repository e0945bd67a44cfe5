import { builtinModules } from "node:module";

const NODE_BUILTINS: ReadonlySet<string> = new Set(builtinModules);

/** Whether a module specifier points to a file of the same package (`./x.js`, `../y/index.js`). */
export function isRelativeSpecifier(specifier: string): boolean {
  return specifier === "." || specifier === ".." || /^\.\.?\//.test(specifier);
}

/** Whether a module specifier names a Node builtin, with or without the `node:` prefix. */
export function isNodeBuiltin(specifier: string): boolean {
  if (specifier.startsWith("node:")) return true;
  return NODE_BUILTINS.has(packageNameOf(specifier));
}

/**
 * Whether a specifier names a package that resolves through node_modules. Relative and absolute
 * paths, URLs (`https:`, `data:`) and package-internal `#imports` do not.
 */
export function isBareSpecifier(specifier: string): boolean {
  if (specifier.length === 0 || isRelativeSpecifier(specifier)) return false;
  if (specifier.startsWith("/") || specifier.startsWith("#")) return false;
  // A scheme such as `https:` or `data:`; `node:` is handled by isNodeBuiltin before this matters.
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(specifier)) return false;
  return true;
}

/** The package a bare specifier belongs to: `@tt/schema/testing` -> `@tt/schema`, `lodash/fp` -> `lodash`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split("/");
  if (specifier.startsWith("@")) return parts.slice(0, 2).join("/");
  return parts[0] ?? specifier;
}
