/**
 * Bisection root finding (R. L. Burden & J. D. Faires, "Numerical Analysis", section 2.1):
 * robust for any continuous or monotone step function with a sign change on [lo, hi].
 */

export interface BisectOptions {
  /** Stop when the bracket is at most this wide (absolute). Default 1e-12. */
  tol?: number;
  /** Maximum number of halvings. Default 200. */
  maxIter?: number;
}

/**
 * Returns x in [lo, hi] where f changes sign (f(lo) and f(hi) must have opposite signs or one
 * of them be 0). For a monotone step function the result is the jump point, to within tol.
 * Throws if the bracket has no sign change or an endpoint is NaN.
 */
export function bisect(f: (x: number) => number, lo: number, hi: number, opts: BisectOptions = {}): number {
  const tol = opts.tol ?? 1e-12;
  const maxIter = opts.maxIter ?? 200;
  if (!(lo <= hi)) throw new Error(`bisect: invalid bracket [${lo}, ${hi}]`);
  let flo = f(lo);
  const fhi = f(hi);
  if (Number.isNaN(flo) || Number.isNaN(fhi)) throw new Error('bisect: f is NaN at a bracket end');
  if (flo === 0) return lo;
  if (fhi === 0) return hi;
  if (Math.sign(flo) === Math.sign(fhi)) throw new Error(`bisect: no sign change on [${lo}, ${hi}]`);
  let a = lo;
  let b = hi;
  for (let i = 0; i < maxIter && b - a > tol; i++) {
    const mid = a + (b - a) / 2;
    if (mid <= a || mid >= b) break;
    const fm = f(mid);
    if (fm === 0) return mid;
    if (Number.isNaN(fm)) throw new Error(`bisect: f is NaN at ${mid}`);
    if (Math.sign(fm) === Math.sign(flo)) {
      a = mid;
      flo = fm;
    } else {
      b = mid;
    }
  }
  return a + (b - a) / 2;
}
