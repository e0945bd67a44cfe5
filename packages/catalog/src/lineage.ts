/** Lineage as a tree: printed as text, or as Mermaid for documents and the viewer. */

import type { ArtifactKind } from "./records.js";

/** How a node came from its parent in the tree (upstream) or led to it (downstream). */
export interface LineageEdge {
  /** `run` (a recorded run), `input`, `source`, `view` (what the bundle says), `previous version`. */
  readonly how: string;
  readonly runId: number | null;
  /** The run's transform (`tt concat`, `writeResult`), when a run is known. */
  readonly transform: string | null;
  /** The view's selectors the run or the result read. */
  readonly selectors: unknown[] | null;
}

/** A node of a lineage tree. */
export interface LineageNode {
  /** A registered version, a plain file a run read, or a bundle the catalog does not hold. */
  readonly type: "version" | "file" | "unregistered";
  readonly key: string | null;
  readonly version: number | null;
  readonly kind: ArtifactKind | null;
  readonly location: string | null;
  readonly manifestHash: string | null;
  readonly sha256: string | null;
  /** How this node is linked to its parent in the tree; null at the root. */
  readonly edge: LineageEdge | null;
  /** True when the node was already printed higher up (its subtree is not repeated). */
  readonly repeated: boolean;
  readonly children: LineageNode[];
}

/** One line of a node. */
function label(node: LineageNode): string {
  if (node.type === "file")
    return `file ${node.location}${node.sha256 ? ` (${short(node.sha256)})` : ""}`;
  if (node.type === "unregistered")
    return `${node.location ?? "a dataset held in memory"}${node.manifestHash ? ` (${short(node.manifestHash)})` : ""}, not in the catalog`;
  return `${node.kind} ${node.key} v${node.version} (${short(node.manifestHash ?? "")})`;
}

/** The first 12 hex digits of `sha256:...`. */
function short(hash: string): string {
  return hash.replace(/^sha256:/, "").slice(0, 12);
}

/** How an edge reads in a tree. */
function edgeText(edge: LineageEdge): string {
  const run = edge.runId === null ? "" : `run ${edge.runId}: ${edge.transform}`;
  const what = edge.how === "run" ? run : run === "" ? edge.how : `${edge.how}, ${run}`;
  const selectors =
    edge.selectors && edge.selectors.length > 0 ? ` [${selectorsText(edge.selectors)}]` : "";
  return `${what}${selectors}`;
}

/** Selectors in one short line. */
function selectorsText(selectors: unknown[]): string {
  return selectors
    .map((s) => {
      const { op, ...rest } = s as { op?: string };
      return `${op ?? "?"} ${JSON.stringify(rest)}`;
    })
    .join("; ");
}

/**
 * The tree as text: the root, then each child on its own line under `├─` / `└─`, the edge that
 * links it after `<-` (upstream) or `->` (downstream).
 *
 * @example
 * ```ts
 * console.log(formatLineage(catalog.lineage("study/pca-b")));
 * // result study/pca-b v1 (4f0c...)
 * // └─ <- run 7: tt decompose [query {"axis":"instance","expr":"qc_pass"}]
 * //    dataset study/all v2 (91aa...)
 * ```
 */
export function formatLineage(root: LineageNode, direction: "up" | "down" = "up"): string {
  const arrow = direction === "up" ? "<-" : "->";
  const lines = [label(root)];
  const walk = (node: LineageNode, indent: string) => {
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      const edge = child.edge === null ? "" : `${arrow} ${edgeText(child.edge)}`;
      lines.push(`${indent}${last ? "└─" : "├─"} ${edge}`);
      const inner = `${indent}${last ? "   " : "│  "}`;
      lines.push(`${inner}${label(child)}${child.repeated ? " (see above)" : ""}`);
      walk(child, inner);
    });
  };
  walk(root, "");
  return `${lines.join("\n")}\n`;
}

/**
 * The tree as a Mermaid flowchart (`flowchart BT` upstream, each edge from the parent bundle to
 * what was made of it), for Markdown documents and the viewer.
 */
export function lineageMermaid(root: LineageNode, direction: "up" | "down" = "up"): string {
  const ids = new Map<string, string>();
  const lines = [direction === "up" ? "flowchart BT" : "flowchart TB"];
  const idOf = (node: LineageNode) => {
    const identity = `${node.type}:${node.key ?? node.location}:${node.version ?? node.manifestHash ?? node.sha256}`;
    let id = ids.get(identity);
    if (id === undefined) {
      id = `n${ids.size}`;
      ids.set(identity, id);
      lines.push(`  ${id}["${label(node).replaceAll('"', "'")}"]`);
    }
    return id;
  };
  const edges = new Set<string>();
  const walk = (node: LineageNode) => {
    const here = idOf(node);
    for (const child of node.children) {
      const there = idOf(child);
      const text = child.edge === null ? "" : `|"${edgeText(child.edge).replaceAll('"', "'")}"|`;
      const line =
        direction === "up" ? `  ${there} -->${text} ${here}` : `  ${here} -->${text} ${there}`;
      if (!edges.has(line)) {
        edges.add(line);
        lines.push(line);
      }
      walk(child);
    }
  };
  walk(root);
  return `${lines.join("\n")}\n`;
}
