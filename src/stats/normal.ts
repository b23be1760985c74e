/**
 * Standard normal distribution: density and quantile from jstat; CDF and upper tail from our own erfc.
 *
 * erfc is the one function kept by hand: jstat forms erfc as 1 - erf, so its upper tail is off by
 * 2e-6 relative at p = 1e-12, 2e-2 at 6e-16 and 0 beyond z = 8.3, where a long run with a real
 * regression ends (z = 30 has p = 5e-198); see __tests__/stats/normal.test.ts. Ours is
 * W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969)
 * 631-638 (coefficients of the netlib SPECFUN CALERF routine), with Cody's exp(-x^2) splitting so
 * the upper tail keeps full relative precision (2e-13 against SciPy down to 1e-316).
 * Quantile (jstat: erfc inverse by Newton steps): 2e-7 relative for p in [1e-12, 1 - 1e-12].
 */
import { jStat } from './jstat';

const A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909,
  1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963,
  4362.61909014324716, 3439.36767414372164, 1230.33935480374942,
];
const P = [
  0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766,
  6.58749161529837803e-4, 0.0163153871373020978,
];
const Q = [2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185];
const SQRPI = 0.56418958354775628695; // 1/sqrt(pi)
const XBIG = 26.543;

/** exp(-y*y) without the cancellation error of forming y*y directly (Cody). */
function expMinusSquare(y: number): number {
  const ysq = Math.trunc(y * 16) / 16;
  const del = (y - ysq) * (y + ysq);
  return Math.exp(-ysq * ysq) * Math.exp(-del);
}

/**
 * Scaled complement for y > 0.46875: erfc(y) * exp(y^2) (Cody's ERFCX form). Smooth in y, so
 * a rounding error in y barely moves it; the Gaussian factor is applied separately.
 */
function erfcScaled(y: number): number {
  if (y <= 4) {
    let xnum = C[8]! * y;
    let xden = y;
    for (let i = 0; i < 7; i++) {
      xnum = (xnum + C[i]!) * y;
      xden = (xden + D[i]!) * y;
    }
    return (xnum + C[7]!) / (xden + D[7]!);
  }
  const ysq = 1 / (y * y);
  let xnum = P[5]! * ysq;
  let xden = ysq;
  for (let i = 0; i < 4; i++) {
    xnum = (xnum + P[i]!) * ysq;
    xden = (xden + Q[i]!) * ysq;
  }
  const r = (ysq * (xnum + P[4]!)) / (xden + Q[4]!);
  return (SQRPI - r) / y;
}

/** erf(x) for |x| <= 0.46875. */
function erfSmall(x: number): number {
  const y = Math.abs(x);
  const ysq = y > 1.11e-16 ? y * y : 0;
  let xnum = A[4]! * ysq;
  let xden = ysq;
  for (let i = 0; i < 3; i++) {
    xnum = (xnum + A[i]!) * ysq;
    xden = (xden + B[i]!) * ysq;
  }
  return (x * (xnum + A[3]!)) / (xden + B[3]!);
}

/** Complementary error function erfc(x) = 1 - erf(x), accurate in the upper tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) return 1 - erfSmall(x);
  const result = y >= XBIG ? 0 : erfcScaled(y) * expMinusSquare(y);
  return x < 0 ? 2 - result : result;
}

/** exp(-x^2 / 2) with x^2 split as in Cody, so large |x| keeps full relative precision. */
function expMinusHalfSquare(x: number): number {
  const y = Math.abs(x);
  const ysq = Math.trunc(y * 16) / 16;
  const del = (y - ysq) * (y + ysq);
  return Math.exp(-0.5 * ysq * ysq) * Math.exp(-0.5 * del);
}

/** P(Z > x) for x >= 0 (upper tail). */
function upperTail(x: number): number {
  const y = x / Math.SQRT2;
  if (y <= 0.46875) return 0.5 - 0.5 * erfSmall(y);
  if (x >= 40) return 0;
  return 0.5 * erfcScaled(y) * expMinusHalfSquare(x);
}

/** Phi(x) = P(Z <= x). */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return x >= 0 ? 1 - upperTail(x) : upperTail(-x);
}

/** 1 - Phi(x) = P(Z > x), computed without cancellation for large x. */
export function normalSf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return x >= 0 ? upperTail(x) : 1 - upperTail(-x);
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Standard normal density. Written out: the boundary integration evaluates it millions of times
 * per run, and jStat.normal.pdf (the same formula through log and pow) made that 4x slower.
 */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/**
 * Phi^-1(p). p = 0 -> -Infinity, p = 1 -> Infinity, outside [0, 1] or NaN -> NaN. 2e-7 relative
 * for p in [1e-12, 1 - 1e-12], which every caller stays in: they pass 1 - q, which cannot carry
 * a tail below 1e-16 anyway.
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  return jStat.normal.inv(p, 0, 1);
}
