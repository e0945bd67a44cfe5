/** Shared conformance plumbing: named cases a test runner wraps, and exact comparison. */

/** One conformance check: run it inside a test of your runner; it throws on failure. */
export interface ConformanceCase {
  /** What the check asserts. */
  readonly name: string;
  /** Runs the check; rejects with an Error that says what differed. */
  run(): Promise<void>;
}

/** Throws `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Whether `a` and `b` are equal element by element (NaN equals NaN, +0 equals -0). */
export function sameElements(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) return false;
  }
  return true;
}

/** Runs `work` and checks that it rejects with an error carrying `tag` (a tensortools error tag). */
export async function rejectsWithTag(
  work: () => Promise<unknown>,
  tag: string,
  what: string,
): Promise<void> {
  let error: unknown;
  try {
    await work();
  } catch (caught) {
    error = caught;
  }
  check(error !== undefined, `${what}: expected an error tagged '${tag}', but it succeeded`);
  const actual = (error as { tag?: unknown }).tag;
  check(actual === tag, `${what}: expected an error tagged '${tag}', got ${String(error)}`);
}

/** Runs `work` with an aborted signal and checks that it rejects with the signal's reason. */
export async function rejectsWhenAborted(
  work: (signal: AbortSignal) => Promise<unknown>,
  what: string,
): Promise<void> {
  const controller = new AbortController();
  const reason = new Error("conformance abort");
  controller.abort(reason);
  let error: unknown;
  try {
    await work(controller.signal);
  } catch (caught) {
    error = caught;
  }
  check(error === reason, `${what}: expected the abort reason to be thrown, got ${String(error)}`);
}
