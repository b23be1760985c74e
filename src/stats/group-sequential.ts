/**
 * One-sided group-sequential boundaries by alpha spending.
 *
 * Spending function: O'Brien-Fleming type of K. K. G. Lan & D. L. DeMets, "Discrete sequential
 * boundaries for clinical trials", Biometrika 70 (1983) 659-663:
 *   alpha(t) = 2 - 2 Phi(Phi^-1(1 - alpha/2) / sqrt(t)), alpha the one-sided level.
 * Boundary crossing probabilities by the recursive numerical integration of P. Armitage,
 * C. K. McPherson & B. C. Rowe, JRSS A 132 (1969) 235-244, as laid out in C. Jennison &
 * B. W. Turnbull, "Group Sequential Methods with Applications to Clinical Trials" (2000),
 * ch. 19: the sub-density of Z_k on the continuation region (-inf, b_k) is carried on a
 * grid and integrated with Simpson's rule; each boundary is the root of
 * P(cross at look k) = alpha(t_k) - (alpha already spent), found by bisection.
 *
 * Model: Z_k = S_k / sqrt(t_k), S a Brownian motion with drift theta (E[Z_k] = theta sqrt(t_k)).
 * Under H0 (theta = 0) the joint law of the Z_k depends on the times only through their ratios
 * (corr(Z_j, Z_k) = sqrt(t_j / t_k)), so the times may be the information itself (requests) on any
 * scale. When a run re-plans, the covariance must come from the information the looks actually had
 * and the planned size only sets how much alpha to spend (the spending function at the planned
 * fraction): the error spending approach of Lan & DeMets (1983), with the information accrued, not
 * planned (C. Jennison & B. W. Turnbull (2000), sec. 7.2.2; S. S. Emerson, "Frequentist evaluation
 * of group sequential clinical trial designs", Stat. Med. 26 (2007) 5047-5080).
 */
import { normalPdf, normalQuantile, normalSf } from './normal';
import { bisect } from './root';

/** Half-width (in sd) of the integration range around the mean of Z_k. */
const RANGE = 10;
/** Default grid step for Z_k, and the smallest allowed (very close looks). */
const STEP = 0.02;
const MIN_STEP = 0.005;
/** Transition kernel terms beyond this many sd are below 1e-19 of its peak and are skipped. */
const KERNEL_REACH = 9.5;

/** Cumulative one-sided alpha spent by information fraction t. */
export function obrienFlemingSpending(t: number, alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new Error(`obrienFlemingSpending: alpha must be in (0, 1), got ${alpha}`);
  if (Number.isNaN(t)) return NaN;
  if (t <= 0) return 0;
  if (t >= 1) return alpha;
  return 2 * normalSf(normalQuantile(1 - alpha / 2) / Math.sqrt(t));
}

/** Sub-density of Z_k on (-inf, b_k) at grid points, pre-multiplied by Simpson weights. */
interface Stage {
  t: number;
  z: Float64Array;
  g: Float64Array;
}

function checkTimes(times: ArrayLike<number>): void {
  if (times.length === 0) throw new Error('group-sequential: no looks');
  for (let k = 0; k < times.length; k++) {
    const t = times[k]!;
    if (!(t > 0) || !Number.isFinite(t)) throw new Error(`group-sequential: invalid information time ${t}`);
    if (k > 0 && !(t > times[k - 1]!)) throw new Error('group-sequential: information times must increase');
  }
}

/** Simpson grid on [lo, hi] with step at most h: points and weights. */
function simpsonGrid(lo: number, hi: number, h: number): { z: Float64Array; w: Float64Array } {
  if (!(hi > lo)) return { z: new Float64Array(0), w: new Float64Array(0) };
  const n = Math.max(2, 2 * Math.ceil((hi - lo) / (2 * h)));
  const step = (hi - lo) / n;
  const z = new Float64Array(n + 1);
  const w = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) {
    z[i] = lo + i * step;
    w[i] = ((i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2) * step) / 3;
  }
  return { z, w };
}

/** Grid step for stage k: resolve the transition kernels into and out of it. */
function stepFor(t: number, dtIn: number, dtOut: number): number {
  let h = STEP;
  if (dtIn > 0) h = Math.min(h, Math.sqrt(dtIn / t) / 8);
  if (dtOut > 0) h = Math.min(h, Math.sqrt(dtOut / t) / 8);
  return Math.max(h, MIN_STEP);
}

/** Stage at look k given the previous stage (null for the first look) and boundary b_k. */
function buildStage(prev: Stage | null, t: number, b: number, theta: number, dtOut: number): Stage {
  const mean = theta * Math.sqrt(t);
  const dtIn = prev ? t - prev.t : 0;
  const { z, w } = simpsonGrid(mean - RANGE, Math.min(b, mean + RANGE), stepFor(t, dtIn, dtOut));
  const g = new Float64Array(z.length);
  if (prev === null) {
    for (let i = 0; i < z.length; i++) g[i] = w[i]! * normalPdf(z[i]! - mean);
    return { t, z, g };
  }
  const sdt = Math.sqrt(t);
  const sprev = Math.sqrt(prev.t);
  const sdd = Math.sqrt(dtIn);
  const drift = theta * dtIn;
  const scale = sdt / sdd;
  // The kernel is negligible beyond KERNEL_REACH sd: sum only the previous grid points within it.
  const n = prev.z.length;
  const lo = prev.z[0]!;
  const step = n > 1 ? prev.z[1]! - lo : 1;
  const reach = (KERNEL_REACH * sdd) / sprev;
  for (let i = 0; i < z.length; i++) {
    const zs = z[i]! * sdt - drift;
    const centre = zs / sprev;
    const from = Math.max(0, Math.floor((centre - reach - lo) / step));
    const to = Math.min(n - 1, Math.ceil((centre + reach - lo) / step));
    let acc = 0;
    for (let j = from; j <= to; j++) acc += prev.g[j]! * normalPdf((zs - prev.z[j]! * sprev) / sdd);
    g[i] = w[i]! * acc * scale;
  }
  return { t, z, g };
}

/** P(continue to look k-1 and cross b at look k at time t). */
function crossProbability(prev: Stage | null, t: number, b: number, theta: number): number {
  if (b === Infinity) return 0;
  if (prev === null) return normalSf(b - theta * Math.sqrt(t));
  const dt = t - prev.t;
  const sdd = Math.sqrt(dt);
  const bs = b * Math.sqrt(t) - theta * dt;
  const sprev = Math.sqrt(prev.t);
  let p = 0;
  for (let j = 0; j < prev.z.length; j++) p += prev.g[j]! * normalSf((bs - prev.z[j]! * sprev) / sdd);
  return p;
}

/** Boundary that spends `target` at time t after stage prev (under H0). */
function solveBoundary(prev: Stage | null, t: number, target: number): number {
  if (!(target > 0)) return Infinity;
  if (prev === null) return normalQuantile(1 - target);
  const f = (b: number) => crossProbability(prev, t, b, 0) - target;
  const lo = -RANGE - 2;
  const hi = 40;
  if (f(lo) <= 0) return -Infinity; // cannot spend that much: stop for sure
  return bisect(f, lo, hi, { tol: 1e-10 });
}

/**
 * One-sided upper boundaries (Z scale) for looks at information fractions `times`
 * (strictly increasing; a time >= 1 spends all remaining alpha).
 */
export function upperBoundaries(alpha: number, times: number[]): number[] {
  checkTimes(times);
  const looks = new BoundarySequence(alpha);
  return times.map((t) => looks.next(t));
}

/**
 * Boundary for the last look in `times`, given the boundaries actually used at the earlier
 * looks (`previous.length === times.length - 1`). It spends alpha(t_K) minus the type I error
 * already spent by `previous` (so adaptive or re-planned earlier looks keep the total at alpha).
 * +Infinity when nothing is left to spend.
 */
export function nextBoundary(alpha: number, times: number[], previous: number[]): number {
  checkTimes(times);
  if (previous.length !== times.length - 1) {
    throw new Error('nextBoundary: previous must hold one boundary per earlier look');
  }
  const looks = new BoundarySequence(alpha);
  previous.forEach((b, k) => looks.used(times[k]!, b));
  return looks.next(times[times.length - 1]!);
}

/**
 * The boundaries of one run, look by look, carrying the integration forward (a run of K looks
 * builds K stages, not K^2/2): next(t) solves the look's boundary, used(t, b) records one that was
 * given. The one path upperBoundaries and nextBoundary take too.
 */
export class BoundarySequence {
  private stage: Stage | null = null;
  private spent = 0;
  private last: { t: number; b: number } | null = null;

  constructor(private readonly alpha: number) {
    obrienFlemingSpending(0.5, alpha); // validates alpha
  }

  /**
   * The boundary at the next look, whose information is t (on the scale of the earlier looks): it
   * spends alpha(spendingTime) minus what the earlier looks spent; +Infinity (the look is skipped)
   * when that is nothing, e.g. when a re-plan moved the spending fraction back. Also +Infinity,
   * spending nothing (it is left for later looks), when the boundary's level is below
   * `smallestP`, the smallest p the look's test can reach (a discrete test that could never cross).
   */
  next(t: number, spendingTime = t, smallestP = 0): number {
    this.reach(t);
    const solved = solveBoundary(this.stage, t, obrienFlemingSpending(spendingTime, this.alpha) - this.spent);
    const b = normalSf(solved) < smallestP ? Infinity : solved;
    this.last = { t, b };
    return b;
  }

  /**
   * The last look again, with no new information, now spending alpha(spendingTime) minus what the
   * looks before it spent (a run that ended right after a look): its crossing region only grows, so
   * the total stays alpha(spendingTime). +Infinity when there was no look.
   */
  relook(spendingTime: number): number {
    if (!this.last) return Infinity;
    const b = solveBoundary(this.stage, this.last.t, obrienFlemingSpending(spendingTime, this.alpha) - this.spent);
    this.last = { t: this.last.t, b: Math.min(b, this.last.b) };
    return this.last.b;
  }

  /** A look at information time t that used boundary b (not necessarily the one next(t) would solve). */
  used(t: number, b: number): void {
    this.reach(t);
    this.last = { t, b };
  }

  /** Carries the integration past the last look, whose kernel step depends on the gap to t. */
  private reach(t: number): void {
    if (!(t > 0) || !Number.isFinite(t)) throw new Error(`group-sequential: invalid information time ${t}`);
    if (!this.last) return;
    if (!(t > this.last.t)) throw new Error('group-sequential: information times must increase');
    this.spent += crossProbability(this.stage, this.last.t, this.last.b, 0);
    this.stage = buildStage(this.stage, this.last.t, this.last.b, 0, t - this.last.t);
  }
}

/** dt to the next look, 0 for the last. */
function nextDt(times: ArrayLike<number>, k: number): number {
  return k + 1 < times.length ? times[k + 1]! - times[k]! : 0;
}

/**
 * Probability of first crossing the upper boundary at each look when E[Z_k] = drift sqrt(t_k).
 * With drift 0 and boundaries from upperBoundaries the sum equals alpha(t_K); the sum is the
 * power under drift > 0.
 */
export function crossingProbabilities(boundaries: number[], times: number[], drift: number): number[] {
  checkTimes(times);
  if (boundaries.length !== times.length) throw new Error('crossingProbabilities: one boundary per look');
  const out: number[] = [];
  let prev: Stage | null = null;
  for (let k = 0; k < times.length; k++) {
    const t = times[k]!;
    out.push(crossProbability(prev, t, boundaries[k]!, drift));
    if (k + 1 < times.length) prev = buildStage(prev, t, boundaries[k]!, drift, nextDt(times, k));
  }
  return out;
}
