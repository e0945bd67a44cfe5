/** A small helper for building the page's few DOM nodes. */

/** Attributes and properties of a new element: `text`, `className`, and any HTML attribute. */
export type ElementOptions = Record<string, string | number | undefined> & {
  text?: string;
  className?: string;
};

/**
 * A new element with its attributes set and children appended.
 *
 * @example
 * ```ts
 * const label = element("label", { for: "query", text: "query" });
 * ```
 */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  children: readonly (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (name === "text") node.textContent = String(value);
    else if (name === "className") node.className = String(value);
    else node.setAttribute(name, String(value));
  }
  node.append(...children);
  return node;
}

/** The element with `id`, which the page's HTML must have. */
export function required<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no element #${id}`);
  return node as T;
}

/** Short text for a cell of the table or a legend: numbers to 4 significant digits. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number")
    return Number.isInteger(value) ? String(value) : Number(value.toPrecision(4)).toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.join(", ");
  return String(value);
}

/** A one-line legend of coloured line samples, spanning the width of a panel grid. */
export function curveLegend(entries: readonly { label: string; colour: string }[]): HTMLElement {
  return element(
    "div",
    { className: "curve-legend" },
    entries.map((entry) =>
      element("span", {}, [
        element("span", { className: "line-sample", style: `background: ${entry.colour}` }),
        entry.label,
      ]),
    ),
  );
}
