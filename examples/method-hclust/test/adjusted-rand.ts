/** The adjusted Rand index (Hubert & Arabie, 1985) of two partitions, for the tests. */

/** n choose 2. */
function pairs(n: number): number {
  return (n * (n - 1)) / 2;
}

/**
 * The adjusted Rand index of two labelings of the same items: 1 for the same partition (whatever
 * the label names), about 0 for independent ones, negative below chance. Labels are compared by
 * value, so numbers and strings both work.
 */
export function adjustedRandIndex(a: ArrayLike<unknown>, b: ArrayLike<unknown>): number {
  if (a.length !== b.length) throw new Error(`labelings of ${a.length} and ${b.length} items`);
  const n = a.length;
  const cells = new Map<string, number>();
  const rows = new Map<unknown, number>();
  const columns = new Map<unknown, number>();
  for (let i = 0; i < n; i++) {
    const key = JSON.stringify([a[i], b[i]]);
    cells.set(key, (cells.get(key) ?? 0) + 1);
    rows.set(a[i], (rows.get(a[i]) ?? 0) + 1);
    columns.set(b[i], (columns.get(b[i]) ?? 0) + 1);
  }
  const sum = (counts: Iterable<number>) => [...counts].reduce((s, c) => s + pairs(c), 0);
  const index = sum(cells.values());
  const rowPairs = sum(rows.values());
  const columnPairs = sum(columns.values());
  const expected = (rowPairs * columnPairs) / pairs(n);
  const maximum = (rowPairs + columnPairs) / 2;
  // One cluster on both sides (or one item): the partitions agree, as scikit-learn's convention.
  if (maximum === expected) return 1;
  return (index - expected) / (maximum - expected);
}
