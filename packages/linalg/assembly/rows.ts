/**
 * Row kernels for element-wise transforms (the delayed operations of a view): `rows` rows of `n`
 * elements of T at `a`, transformed in place. Arithmetic is in f64 and each result is stored as T,
 * so f32 data is rounded once per operation, as `Math.fround(x op y)` in JavaScript: the same
 * bits on every build (no fused multiply-add, no reassociation).
 *
 * Operators: 0 add, 1 subtract, 2 multiply, 3 divide.
 */

/** Lanes 2-3 of four f32 as an f64x2. */
function promoteHigh(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
}

/** Two f64x2 rounded to four f32. */
function demote(lo: v128, hi: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/** `x op y` on two f64 lanes. */
function arith2(op: i32, x: v128, y: v128): v128 {
  if (op === 0) return f64x2.add(x, y);
  if (op === 1) return f64x2.sub(x, y);
  if (op === 2) return f64x2.mul(x, y);
  return f64x2.div(x, y);
}

/** `x op y` on one f64. */
function arith1(op: i32, x: f64, y: f64): f64 {
  if (op === 0) return x + y;
  if (op === 1) return x - y;
  if (op === 2) return x * y;
  return x / y;
}

/**
 * Operators as types, for loops compiled once per operator: `O` of `arithRun<T, O>` is one of
 * these, and its size gives the operator, a constant when the loop is compiled, so the branches
 * on it fold away (a branch per vector costs more than the product).
 */
type OpAdd = i8;
type OpSubtract = i16;
type OpMultiply = i32;
type OpDivide = i64;

/** The operator code (0 add, 1 subtract, 2 multiply, 3 divide) of an operator type. */
function codeOf<O>(): i32 {
  return sizeof<O>() === 1 ? 0 : sizeof<O>() === 2 ? 1 : sizeof<O>() === 4 ? 2 : 3;
}

/**
 * `a[r, k] = a[r, k] op y[k]` for `count` elements from element `k0` of a row at `row`, `y` the
 * f64 at `ys` (one per element, read from `ys` on); `op` is that of the operator type `O`.
 */
function arithRun<T, O>(row: usize, count: i32, ys: usize): void {
  const op = codeOf<O>();
  let k = 0;
  if (sizeof<T>() === 4) {
    for (; k + 4 <= count; k += 4) {
      const at = row + ((<usize>k) << 2);
      const y = ys + ((<usize>k) << 3);
      const v = v128.load(at);
      const lo = arith2(op, f64x2.promote_low_f32x4(v), v128.load(y));
      const hi = arith2(op, promoteHigh(v), v128.load(y, 16));
      v128.store(at, demote(lo, hi));
    }
  } else {
    for (; k + 2 <= count; k += 2) {
      const at = row + ((<usize>k) << 3);
      v128.store(at, arith2(op, v128.load(at), v128.load(ys + ((<usize>k) << 3))));
    }
  }
  for (; k < count; k++) {
    const at = row + <usize>k * sizeof<T>();
    store<T>(at, <T>arith1(op, <f64>load<T>(at), load<f64>(ys + ((<usize>k) << 3))));
  }
}

/** `a[r, k] = a[r, k] op operands[k]`: one f64 operand per element of a row. */
export function arithOperands<T>(a: usize, rows: i32, n: i32, op: i32, operands: usize): void {
  for (let r = 0; r < rows; r++) arithRow<T>(op, a + <usize>r * n * sizeof<T>(), n, operands);
}

/** `arithRun` compiled for the operator `op`, so that the loop has no branch on it. */
function arithRow<T>(op: i32, row: usize, count: i32, ys: usize): void {
  if (op === 0) arithRun<T, OpAdd>(row, count, ys);
  else if (op === 1) arithRun<T, OpSubtract>(row, count, ys);
  else if (op === 2) arithRun<T, OpMultiply>(row, count, ys);
  else arithRun<T, OpDivide>(row, count, ys);
}

/**
 * `a[r, k] = a[r, k] op values[r]`: one f64 value per row. `splat` is scratch for `n` f64 (the
 * row's value repeated, so the row takes the vector loop).
 */
export function arithScalars<T>(
  a: usize,
  rows: i32,
  n: i32,
  op: i32,
  values: usize,
  splat: usize,
): void {
  let last: i64 = 0;
  for (let r = 0; r < rows; r++) {
    const bits = load<i64>(values + ((<usize>r) << 3));
    // Refilled only when the value's bits change (so -0 and +0 stay apart).
    if (r === 0 || bits !== last) {
      const value = reinterpret<f64>(bits);
      for (let k = 0; k < n; k++) store<f64>(splat + ((<usize>k) << 3), value);
      last = bits;
    }
    arithRow<T>(op, a + <usize>r * n * sizeof<T>(), n, splat);
  }
}

/**
 * Means over positions of an axis: each row is `outer x length x inner` (C order); for every row
 * `r`, `means[r, o, i]` = the f64 sum, in the order of `columns` (`count` i32 positions along the
 * axis), of `a[r, o, columns[c], i]`, divided by `count`. Up to four sums at once are kept in
 * registers (the same additions in the same order as in memory).
 */
export function windowMeans<T>(
  a: usize,
  rows: i32,
  outer: i32,
  length: i32,
  inner: i32,
  columns: usize,
  count: i32,
  means: usize,
): void {
  const n = outer * length * inner;
  const m = outer * inner;
  const divisor = <f64>count;
  for (let r = 0; r < rows; r++) {
    const row = a + <usize>r * n * sizeof<T>();
    const out = means + <usize>r * m * 8;
    for (let o = 0; o < outer; o++)
      for (let i0 = 0; i0 < inner; i0 += 4) {
        const width = min(4, inner - i0);
        let s0: f64 = 0;
        let s1: f64 = 0;
        let s2: f64 = 0;
        let s3: f64 = 0;
        for (let c = 0; c < count; c++) {
          const j = load<i32>(columns + ((<usize>c) << 2));
          const from = row + <usize>((o * length + j) * inner + i0) * sizeof<T>();
          s0 += <f64>load<T>(from);
          if (width > 1) s1 += <f64>load<T>(from + sizeof<T>());
          if (width > 2) s2 += <f64>load<T>(from + 2 * sizeof<T>());
          if (width > 3) s3 += <f64>load<T>(from + 3 * sizeof<T>());
        }
        const at = out + <usize>(o * inner + i0) * 8;
        store<f64>(at, s0 / divisor);
        if (width > 1) store<f64>(at, s1 / divisor, 8);
        if (width > 2) store<f64>(at, s2 / divisor, 16);
        if (width > 3) store<f64>(at, s3 / divisor, 24);
      }
  }
}

/** f64 of scratch `subtractMeans` needs for rows of `inner` means each (four lanes or two). */
export function meanPatternLength(inner: i32): i32 {
  return inner * 4;
}

/**
 * `a[r, o, j, i] = a[r, o, j, i] - means[r, o, i]`, rows laid out as in `windowMeans`. `pattern`
 * is scratch for {@link meanPatternLength} f64: the means of one `o` repeated along the row for
 * a whole number of vectors (`inner` of them), so vector `v` of a run finds its means at vector
 * `v % inner` of the pattern.
 */
export function subtractMeans<T>(
  a: usize,
  rows: i32,
  outer: i32,
  length: i32,
  inner: i32,
  means: usize,
  pattern: usize,
): void {
  const n = outer * length * inner;
  const lanes = 16 / <i32>sizeof<T>();
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outer; o++) {
      const own = means + <usize>(r * outer + o) * inner * 8;
      // inner vectors of `lanes` elements hold the means of a whole number of periods.
      for (let t = 0; t < inner * lanes; t++)
        store<f64>(pattern + ((<usize>t) << 3), load<f64>(own + ((<usize>(t % inner)) << 3)));
      const block = a + (<usize>r * n + <usize>o * length * inner) * sizeof<T>();
      subtractPattern<T>(block, length * inner, inner, pattern);
    }
  }
}

/** `count` elements at `block`: element `k` minus `pattern[k % (inner * lanes)]`. */
function subtractPattern<T>(block: usize, count: i32, inner: i32, pattern: usize): void {
  const lanes = 16 / <i32>sizeof<T>();
  const step = <usize>lanes * 8;
  const period = <usize>inner * step;
  let p: usize = 0;
  let k = 0;
  for (; k + lanes <= count; k += lanes) {
    const at = block + <usize>k * sizeof<T>();
    const y = pattern + p;
    if (sizeof<T>() === 4) {
      const v = v128.load(at);
      const lo = f64x2.sub(f64x2.promote_low_f32x4(v), v128.load(y));
      const hi = f64x2.sub(promoteHigh(v), v128.load(y, 16));
      v128.store(at, demote(lo, hi));
    } else {
      v128.store(at, f64x2.sub(v128.load(at), v128.load(y)));
    }
    p += step;
    if (p === period) p = 0;
  }
  for (; k < count; k++) {
    const at = block + <usize>k * sizeof<T>();
    store<T>(at, <T>(<f64>load<T>(at) - load<f64>(pattern + p)));
    p += 8;
  }
}

/** `a[r, k] = sqrt(a[r, k])` (f64 square root, stored as T: correctly rounded, as Math.sqrt). */
export function sqrtRows<T>(a: usize, count: i32): void {
  let k = 0;
  if (sizeof<T>() === 4) {
    for (; k + 4 <= count; k += 4) {
      const at = a + ((<usize>k) << 2);
      const v = v128.load(at);
      v128.store(at, demote(f64x2.sqrt(f64x2.promote_low_f32x4(v)), f64x2.sqrt(promoteHigh(v))));
    }
  } else {
    for (; k + 2 <= count; k += 2) {
      const at = a + ((<usize>k) << 3);
      v128.store(at, f64x2.sqrt(v128.load(at)));
    }
  }
  for (; k < count; k++) {
    const at = a + <usize>k * sizeof<T>();
    store<T>(at, <T>Math.sqrt(<f64>load<T>(at)));
  }
}

/** `a[k] = abs(a[k])` for `count` elements. */
export function absRows<T>(a: usize, count: i32): void {
  let k = 0;
  const lanes = 16 / <i32>sizeof<T>();
  for (; k + lanes <= count; k += lanes) {
    const at = a + <usize>k * sizeof<T>();
    v128.store(at, sizeof<T>() === 4 ? f32x4.abs(v128.load(at)) : f64x2.abs(v128.load(at)));
  }
  for (; k < count; k++) {
    const at = a + <usize>k * sizeof<T>();
    store<T>(at, <T>Math.abs(<f64>load<T>(at)));
  }
}

/**
 * `a[k] = a[k] op value` for `count` elements of one row at `row`: the value splat in a register;
 * compiled per operator type `O`, as `arithRun`.
 */
function splatRun<T, O>(row: usize, count: i32, value: f64): void {
  const op = codeOf<O>();
  const y = f64x2.splat(value);
  let k = 0;
  if (sizeof<T>() === 4) {
    for (; k + 4 <= count; k += 4) {
      const at = row + ((<usize>k) << 2);
      const v = v128.load(at);
      v128.store(
        at,
        demote(arith2(op, f64x2.promote_low_f32x4(v), y), arith2(op, promoteHigh(v), y)),
      );
    }
  } else {
    for (; k + 2 <= count; k += 2) {
      const at = row + ((<usize>k) << 3);
      v128.store(at, arith2(op, v128.load(at), y));
    }
  }
  for (; k < count; k++) {
    const at = row + <usize>k * sizeof<T>();
    store<T>(at, <T>arith1(op, <f64>load<T>(at), value));
  }
}

/** `a[r, k] = a[r, k] op values[r]` without scratch (see `arithScalars`). */
function splatRows<T>(a: usize, rows: i32, n: i32, op: i32, values: usize): void {
  for (let r = 0; r < rows; r++) {
    const row = a + <usize>r * n * sizeof<T>();
    const value = load<f64>(values + ((<usize>r) << 3));
    if (op === 0) splatRun<T, OpAdd>(row, n, value);
    else if (op === 1) splatRun<T, OpSubtract>(row, n, value);
    else if (op === 2) splatRun<T, OpMultiply>(row, n, value);
    else splatRun<T, OpDivide>(row, n, value);
  }
}

/** Bytes of a program's header. */
const PROGRAM_HEADER: usize = 16;

/** Bytes of rows a program works on at once: well inside a core's L2 cache. */
const PROGRAM_CHUNK_BYTES: i32 = 256 * 1024;

/**
 * Runs a row program (the steps of a view's delayed operations) in place over rows
 * `first..min(first + chunkRows, total)` of a job whose row `first` is at `a`, a cache-sized
 * piece of rows at a time, every step in turn while the piece is in cache. Per-row data of a step
 * (values, means, scratch) is indexed by the row's number in the job, so chunks run on any thread
 * at once. The program: four i32 (step count, total rows, rows per chunk, elements per row `n`),
 * then eight u32 per step:
 * - 0 operands: op, operands (f64 per element of a row)
 * - 1 scalars: op, values (f64 per row)
 * - 2 means of the row's own elements: outer, length, inner, means (f64 x outer x inner per row),
 *   pattern (f64 x `meanPatternLength(inner)` per row, scratch), columns (i32), count
 * - 3 means given: outer, length, inner, means, pattern
 * - 4 sqrt, 5 abs.
 */
export function rowProgram<T>(a: usize, first: i32, program: usize): void {
  const steps = load<i32>(program);
  const rows = min(load<i32>(program, 8), load<i32>(program, 4) - first);
  const n = load<i32>(program, 12);
  if (rows <= 0 || n <= 0) return;
  const rowBytes = n * <i32>sizeof<T>();
  const piece = max(1, PROGRAM_CHUNK_BYTES / rowBytes);
  for (let r0 = 0; r0 < rows; r0 += piece) {
    const count = min(piece, rows - r0);
    const at = a + <usize>r0 * <usize>rowBytes;
    const row = <usize>(first + r0);
    for (let s = 0; s < steps; s++) {
      const p = program + PROGRAM_HEADER + <usize>s * 32;
      const kind = load<i32>(p);
      if (kind === 0) arithOperands<T>(at, count, n, load<i32>(p, 4), <usize>load<u32>(p, 8));
      else if (kind === 1)
        splatRows<T>(at, count, n, load<i32>(p, 4), <usize>load<u32>(p, 8) + row * 8);
      else if (kind === 2 || kind === 3) {
        const outer = load<i32>(p, 4);
        const length = load<i32>(p, 8);
        const inner = load<i32>(p, 12);
        const means = <usize>load<u32>(p, 16) + row * <usize>(outer * inner) * 8;
        const pattern = <usize>load<u32>(p, 20) + row * <usize>meanPatternLength(inner) * 8;
        if (kind === 2)
          windowMeans<T>(
            at,
            count,
            outer,
            length,
            inner,
            <usize>load<u32>(p, 24),
            load<i32>(p, 28),
            means,
          );
        subtractMeans<T>(at, count, outer, length, inner, means, pattern);
      } else if (kind === 4) sqrtRows<T>(at, count * n);
      else absRows<T>(at, count * n);
    }
  }
}
