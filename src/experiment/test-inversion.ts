// The confidence interval as the inversion of the test that decides. p_up(d) is the one-sided p of
// "shift <= d" and p_down(d) that of "shift >= d", both from the same combined round scores at d.
// Each bound is a crossing of p = level, searched from the budget outwards: when the test rejects at
// the budget, the lower bound is sought above it, otherwise below. So "the interval excludes the
// budget" and "the test rejects at the budget" are the same statement at every look, even where
// p(d) is not monotone in d (the combined statistic is not quite).
import { normalQuantile } from '../stats';

export interface TwoSidedP {
  /** p of H0 "shift <= d". */
  up: number;
  /** p of H0 "shift >= d". */
  down: number;
}

export interface InversionSearch {
  /** Both one-sided p-values of the test at a hypothesised shift. */
  test: (shift: number) => TwoSidedP;
  /** The budget on the test's scale: the anchor of both searches. */
  budget: number;
  /** The point estimate, where neither side rejects (a first guess for the far end of a bracket). */
  estimate: number;
  /** First step of the bracket search. */
  width: number;
  /** Shifts beyond which every round score is at its extreme (the test does not change further out). */
  limits: [number, number];
  /** Width at which a crossing is located well enough. */
  tol: number;
}

/** The interval {d : neither one-sided test rejects at `level`}, bounded by crossings found from the budget. */
export function invertTest(s: InversionSearch, level: number): [number, number] {
  return [
    crossingFromBudget(evidence((d) => s.test(d).up, level), s, 1),
    crossingFromBudget(evidence((d) => s.test(d).down, level), s, -1),
  ];
}

/**
 * How far a shift is from being rejected, on the normal-quantile scale of its p: >= 0 exactly when
 * p <= level (rejected). Nearly linear in the shift between the jumps of p, which is what lets the
 * search interpolate.
 */
function evidence(p: (d: number) => number, level: number): (d: number) => number {
  const z = (q: number) => Math.max(-40, Math.min(40, normalQuantile(1 - q)));
  const zLevel = z(level);
  return (d) => {
    const q = p(d);
    return q <= level ? Math.max(0, z(q) - zLevel) : Math.min(-Number.MIN_VALUE, z(q) - zLevel);
  };
}

/**
 * A crossing of `rejects` that lies on the far side of the budget when the budget is rejected
 * (direction +1: above for the lower bound; -1: below for the upper bound), else on the near side.
 * Returns -Infinity / +Infinity when no shift within the limits is rejected.
 */
function crossingFromBudget(g: (d: number) => number, s: InversionSearch, direction: 1 | -1): number {
  const rejects = (d: number) => g(d) >= 0;
  const outward = (x: number, w: number) => clamp(x + direction * w, s.limits);
  if (rejects(s.budget)) {
    // The bound lies beyond the budget, towards the estimate.
    let outside = towards(s.budget, s.estimate, direction) ? s.estimate : outward(s.budget, s.width);
    for (let w = s.width; rejects(outside); w *= 2) {
      if (outside === edge(s.limits, direction)) return direction * Infinity;
      outside = outward(outside, w);
    }
    return searchCrossing(g, s.budget, outside, s.tol);
  }
  // The bound lies on the near side of the budget: walk away from it until the test rejects.
  let accepted = s.budget;
  let candidate = towards(s.budget, s.estimate, -direction as 1 | -1) ? s.estimate : s.budget;
  for (let w = s.width; ; w *= 2) {
    candidate = clamp(candidate - direction * w, s.limits);
    if (rejects(candidate)) return searchCrossing(g, candidate, accepted, s.tol);
    if (candidate === edge(s.limits, -direction as 1 | -1)) return -direction * Infinity;
    accepted = candidate;
  }
}

/** True when b lies strictly beyond a in the direction. */
function towards(a: number, b: number, direction: 1 | -1): boolean {
  return direction * (b - a) > 0;
}

function edge(limits: [number, number], direction: 1 | -1): number {
  return direction > 0 ? limits[1] : limits[0];
}

function clamp(x: number, limits: [number, number]): number {
  return Math.min(limits[1], Math.max(limits[0], x));
}

/**
 * Regula falsi with the Illinois modification (Dowell & Jarratt 1971) between a rejected shift
 * (g >= 0) and an accepted one (g < 0), in either order: the bracket always keeps one end of each
 * kind, so the result, its midpoint, lies strictly between the two starting points; no monotonicity
 * is needed. Each step stays at least 1/8 of the bracket inside it, so the bracket shrinks by that
 * much at worst (step functions), and far faster where g is nearly linear.
 */
function searchCrossing(g: (d: number) => number, rejected: number, accepted: number, tol: number): number {
  let r = rejected;
  let a = accepted;
  let gr = g(r);
  let ga = g(a);
  let side = 0;
  for (let i = 0; i < 200 && Math.abs(a - r) > tol; i++) {
    const margin = (a - r) / 8;
    let c = (r * ga - a * gr) / (ga - gr);
    c = Number.isFinite(c) ? c : r + (a - r) / 2;
    c = margin > 0 ? Math.min(a - margin, Math.max(r + margin, c)) : Math.max(a - margin, Math.min(r + margin, c));
    const gc = g(c);
    if (gc >= 0) {
      r = c;
      gr = gc;
      if (side === 1) ga /= 2;
      side = 1;
    } else {
      a = c;
      ga = gc;
      if (side === -1) gr /= 2;
      side = -1;
    }
  }
  return r + (a - r) / 2;
}
