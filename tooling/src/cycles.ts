/** A directed graph as adjacency sets: node -> the nodes it points to. */
export type Graph = ReadonlyMap<string, ReadonlySet<string>>;

/** A cycle rotated so it starts at its smallest node, which makes `a->b->a` and `b->a->b` equal. */
function canonicalRotation(cycle: readonly string[]): string[] {
  let start = 0;
  for (let index = 1; index < cycle.length; index++) {
    if (cycle[index]! < cycle[start]!) start = index;
  }
  return [...cycle.slice(start), ...cycle.slice(0, start)];
}

/**
 * The cycles of a directed graph, each once, as closed paths (`["a", "b", "a"]`). Every back edge
 * of a depth-first search closes one cycle, so each strongly connected component yields at least
 * one, without enumerating the possibly exponential set of all elementary cycles. Nodes and edges
 * are visited in sorted order so the result does not depend on file system order.
 */
export function findCycles(graph: Graph): string[][] {
  const onPath = new Map<string, number>();
  const path: string[] = [];
  const finished = new Set<string>();
  const seen = new Set<string>();
  const cycles: string[][] = [];

  const visit = (node: string): void => {
    onPath.set(node, path.length);
    path.push(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      const position = onPath.get(next);
      if (position !== undefined) {
        const cycle = canonicalRotation(path.slice(position));
        const key = cycle.join("\0");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...cycle, cycle[0]!]);
        }
      } else if (!finished.has(next)) {
        visit(next);
      }
    }
    path.pop();
    onPath.delete(node);
    finished.add(node);
  };

  for (const node of [...graph.keys()].sort()) {
    if (!finished.has(node)) visit(node);
  }
  return cycles;
}
