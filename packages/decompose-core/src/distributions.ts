/**
 * Quantiles of the normal, chi-square and F distributions, for the control limits the methods
 * report: the regularized incomplete gamma and beta functions (series and Lentz continued
 * fractions, as Numerical Recipes §6.2 and §6.4) and their inverses by safeguarded Newton steps
 * inside a shrinking bracket, solved in the tail that keeps the digits (upper tail for p > 0.5).
 */

const EPSILON = 2.220446049250313e-16;
const TINY = 1e-300;
const MAX_TERMS = 100_000;

/**
 * Lanczos coefficients of Numerical Recipes (3rd ed.) `gammln`, g = 671/128, ~1e-15 relative;
 * written as the doubles the book's 18-digit literals round to.
 */
const LANCZOS = [
  57.15623566586292, -59.59796035547549, 14.136097974741746, -0.4919138160976202,
  0.00003399464998481189, 0.00004652362892704858, -0.00009837447530487956, 0.0001580887032249125,
  -0.00021026444172410488, 0.00021743961811521265, -0.0001643181065367639, 0.00008441822398385275,
  -0.000026190838401581408, 0.0000036899182659531625,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  let y = x;
  const t = x + 671 / 128;
  let series = 0.9999999999999971;
  for (const c of LANCZOS) series += c / ++y;
  return (x + 0.5) * Math.log(t) - t + Math.log((2.5066282746310007 * series) / x);
}

/** x^a e^-x / Γ(a), the factor in front of both expansions of the incomplete gamma function. */
function gammaPrefactor(a: number, x: number): number {
  return Math.exp(a * Math.log(x) - x - logGamma(a));
}

/** P(a, x) by its series (converges fast for x < a + 1). */
function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_TERMS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
  }
  return sum * gammaPrefactor(a, x);
}

/** Q(a, x) by its continued fraction, modified Lentz (converges fast for x ≥ a + 1). */
function gammaFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_TERMS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return h * gammaPrefactor(a, x);
}

/** The regularized lower and upper incomplete gamma functions [P(a, x), Q(a, x)], each to full precision. */
export function regularizedGamma(a: number, x: number): [number, number] {
  if (!(a > 0) || !(x >= 0)) throw new RangeError(`regularizedGamma needs a > 0, x ≥ 0`);
  if (x === 0) return [0, 1];
  if (x === Number.POSITIVE_INFINITY) return [1, 0];
  if (x < a + 1) {
    const p = gammaSeries(a, x);
    return [p, 1 - p];
  }
  const q = gammaFraction(a, x);
  return [1 - q, q];
}

/** I_x(a, b) by its continued fraction, modified Lentz (converges fast for x < (a+1)/(a+b+2)). */
function betaFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  let c = 1;
  let d = 1 - (qab * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_TERMS; m++) {
    const m2 = 2 * m;
    const even = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + even * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + even / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    const odd = (-(a + m) * (qab + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + odd * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + odd / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return h;
}

/** ln B(a, b). */
function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/**
 * The regularized incomplete beta function and its complement [I_x(a, b), 1 − I_x(a, b)], each
 * to full precision.
 */
export function regularizedBeta(x: number, a: number, b: number): [number, number] {
  if (!(a > 0) || !(b > 0) || !(x >= 0 && x <= 1))
    throw new RangeError(`regularizedBeta needs a, b > 0 and 0 ≤ x ≤ 1`);
  if (x === 0) return [0, 1];
  if (x === 1) return [1, 0];
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) {
    const lower = (front * betaFraction(x, a, b)) / a;
    return [lower, 1 - lower];
  }
  const upper = (front * betaFraction(1 - x, b, a)) / b;
  return [1 - upper, upper];
}

/**
 * The root of an increasing `f` in (lo, hi): Newton steps with derivative `df`, a bisection (or a
 * doubling while hi is infinite) whenever a step would leave the bracket the signs keep.
 */
function solveIncreasing(
  f: (x: number) => number,
  df: (x: number) => number,
  start: number,
  bracket: [number, number],
): number {
  let [lo, hi] = bracket;
  let x = start;
  for (let iteration = 0; iteration < 400; iteration++) {
    const fx = f(x);
    if (fx === 0) return x;
    if (fx > 0) hi = x;
    else lo = x;
    let next = x - fx / df(x);
    if (!(next > lo && next < hi))
      next = Number.isFinite(hi) ? lo + (hi - lo) / 2 : Math.max(2 * x, 1);
    const converged = Math.abs(next - x) <= 4 * EPSILON * Math.abs(next);
    if (converged || (Number.isFinite(hi) && hi - lo <= 4 * EPSILON * hi)) return next;
    x = next;
  }
  return x;
}

/** Wilson–Hilferty's start for the gamma quantile (Numerical Recipes `invgammp`). */
function gammaStart(a: number, p: number): number {
  if (a > 1) {
    const tail = p < 0.5 ? p : 1 - p;
    const t = Math.sqrt(-2 * Math.log(tail));
    let z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t;
    if (p < 0.5) z = -z;
    return Math.max(1e-3, a * (1 - 1 / (9 * a) - z / (3 * Math.sqrt(a))) ** 3);
  }
  const t = 1 - a * (0.253 + a * 0.12);
  return p < t ? (p / t) ** (1 / a) : 1 - Math.log(1 - (p - t) / (1 - t));
}

/**
 * The x with P(a, x) = p, given p and its complement q = 1 − p (pass q itself when it is small:
 * the upper tail is solved on Q(a, x) = q, which keeps its digits).
 */
export function inverseRegularizedGamma(a: number, p: number, q = 1 - p): number {
  if (!(a > 0) || !(p >= 0 && p <= 1)) throw new RangeError(`needs a > 0 and 0 ≤ p ≤ 1`);
  if (p === 0) return 0;
  if (q === 0) return Number.POSITIVE_INFINITY;
  const upper = p > 0.5;
  const f = upper
    ? (x: number) => q - regularizedGamma(a, x)[1]
    : (x: number) => regularizedGamma(a, x)[0] - p;
  const density = (x: number) => gammaPrefactor(a, x) / x;
  return solveIncreasing(f, density, gammaStart(a, p), [0, Number.POSITIVE_INFINITY]);
}

/** Numerical Recipes' `invbetai` start for the beta quantile. */
function betaStart(p: number, a: number, b: number): number {
  if (a >= 1 && b >= 1) {
    const tail = p < 0.5 ? p : 1 - p;
    const t = Math.sqrt(-2 * Math.log(tail));
    let z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t;
    if (p < 0.5) z = -z;
    const al = (z * z - 3) / 6;
    const h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
    const w =
      (z * Math.sqrt(al + h)) / h -
      (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (al + 5 / 6 - 2 / (3 * h));
    return a / (a + b * Math.exp(2 * w));
  }
  const t = Math.exp(a * Math.log(a / (a + b))) / a;
  const u = Math.exp(b * Math.log(b / (a + b))) / b;
  const w = t + u;
  return p < t / w ? (a * w * p) ** (1 / a) : 1 - (b * w * (1 - p)) ** (1 / b);
}

/** The x with I_x(a, b) = p, given p and its complement q = 1 − p. */
export function inverseRegularizedBeta(p: number, a: number, b: number, q = 1 - p): number {
  if (!(a > 0) || !(b > 0) || !(p >= 0 && p <= 1))
    throw new RangeError(`needs a, b > 0 and 0 ≤ p ≤ 1`);
  if (p === 0) return 0;
  if (q === 0) return 1;
  const upper = p > 0.5;
  const f = upper
    ? (x: number) => q - regularizedBeta(x, a, b)[1]
    : (x: number) => regularizedBeta(x, a, b)[0] - p;
  const lnB = logBeta(a, b);
  const density = (x: number) => Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lnB);
  const start = Math.min(Math.max(betaStart(p, a, b), 1e-300), 1 - EPSILON);
  return solveIncreasing(f, density, start, [0, 1]);
}

function checkProbability(p: number): void {
  if (!(p > 0 && p < 1)) throw new RangeError(`a probability in (0, 1) is needed, got ${p}`);
}

/** The p-quantile of the standard normal distribution (scipy.stats.norm.ppf). */
export function normalQuantile(p: number): number {
  checkProbability(p);
  if (p === 0.5) return 0;
  // 2·(1 − Φ(z)) = Q(1/2, z²/2) for z > 0.
  const tail = p > 0.5 ? 1 - p : p;
  const z = Math.sqrt(2 * inverseRegularizedGamma(0.5, 1 - 2 * tail, 2 * tail));
  return p > 0.5 ? z : -z;
}

/** The p-quantile of the chi-square distribution with `df` > 0 degrees of freedom (scipy.stats.chi2.ppf). */
export function chiSquareQuantile(p: number, df: number): number {
  checkProbability(p);
  if (!(df > 0)) throw new RangeError(`chi-square degrees of freedom must be > 0, got ${df}`);
  return 2 * inverseRegularizedGamma(df / 2, p);
}

/** The p-quantile of the F distribution with (d1, d2) degrees of freedom (scipy.stats.f.ppf). */
export function fQuantile(p: number, d1: number, d2: number): number {
  checkProbability(p);
  if (!(d1 > 0) || !(d2 > 0))
    throw new RangeError(`F degrees of freedom must be > 0, got (${d1}, ${d2})`);
  // X = d1·F / (d1·F + d2) is Beta(d1/2, d2/2); near 1 solve for 1 − X ~ Beta(d2/2, d1/2) instead.
  const x = inverseRegularizedBeta(p, d1 / 2, d2 / 2);
  if (x <= 0.5) return (d2 * x) / (d1 * (1 - x));
  const y = inverseRegularizedBeta(1 - p, d2 / 2, d1 / 2, p);
  return (d2 * (1 - y)) / (d1 * y);
}
