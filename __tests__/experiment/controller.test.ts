// runSequential and analyzeLook against computations done here from scratch: the round scores by
// explicit pair loops, their sign-flip law by listing every assignment, the error test's binomial
// sign-flip p by listing every sign assignment, the errors counted after each round's warm-up cut by walking the rows.
import { describe, expect, it } from 'vitest';
import { analyzeLook, superiorityForMde, UNBLIND_Z } from '../../src/experiment/analysis';
import { runSequential, spendingTime, type SequentialOptions } from '../../src/experiment/controller';
import { prepareRound } from '../../src/experiment/prepared-round';
import { Prng } from '../../src/experiment/prng';
import { pairSchedule } from '../../src/experiment/schedule';
import { ReplayRuntime } from '../../src/runtime/replay';
import { BoundarySequence, crossingProbabilities, normalQuantile, normalSf } from '../../src/stats';
import type { RoundData } from '../../src/types';

/** Rounds of `pairs` coin-flipped pairs; latencies i.i.d. around 1 ms, the candidate scaled by 1 + effect. */
function rounds(count: number, pairs: number, effect: number, seed: number, failures?: (arm: number, rng: Prng) => boolean): RoundData[] {
  const rng = new Prng(seed);
  return Array.from({ length: count }, (_, r) => {
    const arm = pairSchedule(seed, r, pairs);
    const latencyNs = Float64Array.from(arm, (a) => Math.round(1e6 * (0.8 + 0.4 * rng.nextFloat()) * (a ? 1 + effect : 1)));
    const status = failures ? Int32Array.from(arm, (a) => (failures(a, rng) ? 500 : 200)) : null;
    return { round: r, arm, seq: Float64Array.from(arm, (_, i) => i), latencyNs, startNs: null, status };
  });
}

/** The van Elteren score of each valid round at shift log(1 + budget), from scratch, and its i.i.d. sd. */
function scratchScores(data: RoundData[], budget: number): Array<{ score: number; sd: number }> {
  return data.map(prepareRound).filter((p) => p.valid).map((p) => {
    const d = Math.log1p(budget);
    let u = 0;
    for (const b of p.log.baseline) for (const c of p.log.candidate) u += c - d > b ? 1 : c - d === b ? 0.5 : 0;
    const m = p.log.baseline.length;
    const n = p.log.candidate.length;
    return { score: (u - (m * n) / 2) / (m + n + 1), sd: Math.sqrt((m * n) / (12 * (m + n + 1))) };
  });
}

/** Exact sign-flip p of the summed van Elteren scores at shift log(1 + budget), all from scratch. */
function bruteForceP(data: RoundData[], budget: number): number {
  const scores = scratchScores(data, budget).map((s) => s.score);
  const observed = scores.reduce((a, b) => a + b, 0);
  const tol = 1e-9 * scores.reduce((a, b) => a + Math.abs(b), 0);
  let hits = 0;
  for (let mask = 0; mask < 1 << scores.length; mask++) {
    let s = 0;
    scores.forEach((v, i) => (s += mask & (1 << i) ? -Math.abs(v) : Math.abs(v)));
    if (s >= observed - tol) hits++;
  }
  return hits / 2 ** scores.length;
}

/** P(Bin(k, pi) >= x) by summing the probabilities, each from a product (no incomplete beta). */
/** One-sided sign-flip p of the sum of d by listing every sign assignment of its non-zero entries. */
function enumeratedSignFlipP(d: number[]): number {
  const nonzero = d.filter((x) => x !== 0).map(Math.abs);
  const observed = d.reduce((a, x) => a + x, 0);
  let hits = 0;
  for (let mask = 0; mask < 2 ** nonzero.length; mask++) {
    const sum = nonzero.reduce((a, x, i) => a + (mask & (1 << i) ? x : -x), 0);
    if (sum >= observed) hits++;
  }
  return hits / 2 ** nonzero.length;
}

/** Errors and requests per arm after each round's first `cut` successful requests, walking the rows. */
function countAfterCut(data: RoundData[]) {
  const errors = { baseline: 0, candidate: 0 };
  const requests = { baseline: 0, candidate: 0 };
  const differences: number[] = [];
  for (const r of data) {
    const cut = prepareRound(r).cut;
    const before = errors.candidate - errors.baseline;
    let ok = 0;
    r.arm.forEach((a, i) => {
      const failed = r.status![i] >= 500;
      const key = a ? 'candidate' : 'baseline';
      if (ok >= cut) {
        requests[key]++;
        if (failed) errors[key]++;
      }
      if (!failed) ok++;
    });
    differences.push(errors.candidate - errors.baseline - before);
  }
  return { errors, requests, differences };
}

const options: SequentialOptions = {
  threshold: { relative: 0.02 },
  mde: { relative: 0.05 },
  alpha: 0.05,
  power: 0.9,
  maxRequests: 100_000,
  maxDurationMs: Infinity,
  lookEvery: 5,
  minRounds: 10,
};

describe('analyzeLook', () => {
  it.each([0, 0.015, 0.03, 0.06])('p at the budget is the exact sign-flip p of the round scores (effect %s)', (effect) => {
    const data = rounds(8, 60, effect, 11 + effect * 1000);
    const look = analyzeLook(data.map(prepareRound), { relative: 0.02 });
    expect(look.reference).toBe('sign-flip');
    expect(look.p).toBe(bruteForceP(data, 0.02));
  });
});

/** The round with its arms' labels swapped: what the other side of the round's coin gives. */
function swapped(r: RoundData): RoundData {
  return { ...r, arm: r.arm.map((a) => 1 - a) };
}

describe("analyzeLook: the plan's spread", () => {
  // Rounds with a +-6 % offset on one instance: between-round spread far above within-round noise.
  const base = rounds(12, 60, 0, 21).map((r, i) => ({ ...r, latencyNs: r.latencyNs.map((v, k) => (r.arm[k] ? v * (i % 3 ? 1.06 : 0.94) : v)) }));
  it('is the mean square of the standardised scores about 0, the same for every way the coins could have fallen, while |Z| < 3', () => {
    const expected = (data: RoundData[]) => {
      const e = scratchScores(data, 0).map((s) => s.score / s.sd);
      return e.reduce((a, x) => a + x * x, 0) / e.length;
    };
    const rng = new Prng(3);
    const pS = superiorityForMde(base.map(prepareRound), { relative: 0.05 }, { relative: 0 });
    let looked = 0;
    for (let k = 0; k < 40; k++) {
      const data = base.map((r) => (rng.nextBit() ? swapped(r) : r));
      const look = analyzeLook(data.map(prepareRound), { relative: 0 });
      if (Math.abs(look.z) >= UNBLIND_Z) continue;
      looked++;
      expect(look.varianceFactor).toBeGreaterThan(3);
      expect(look.varianceFactor).toBeCloseTo(expected(base), 9);
      // The other input of the plan, P(candidate > baseline) at the mde, pools both arms: no labels either.
      expect(superiorityForMde(data.map(prepareRound), { relative: 0.05 }, { relative: 0 })).toBeCloseTo(pS, 12);
    }
    expect(looked).toBeGreaterThan(30);
  });
  it('is the spread about the mean once |Z| >= 3: a slowdown in every round is not taken for spread', () => {
    const data = rounds(12, 60, 0.5, 22);
    const look = analyzeLook(data.map(prepareRound), { relative: 0 });
    expect(look.z).toBeGreaterThan(UNBLIND_Z);
    const e = scratchScores(data, 0).map((s) => s.score / s.sd);
    const mean = e.reduce((a, x) => a + x, 0) / e.length;
    const centred = e.reduce((a, x) => a + (x - mean) ** 2, 0) / (e.length - 1);
    expect(look.varianceFactor).toBeCloseTo(Math.max(1, centred), 9);
    expect(e.reduce((a, x) => a + x * x, 0) / e.length).toBeGreaterThan(50 * look.varianceFactor);
  });
});

describe('the round-dependence check', () => {
  const check = (v: Awaited<ReturnType<typeof runSequential>>) => v.checks.find((c) => c.id === 'round-dependence')!;
  it('passes on independent rounds and names its numbers', async () => {
    const v = await runSequential(new ReplayRuntime(rounds(10, 100, 0, 31)), { ...options, threshold: { relative: 0 } });
    expect(check(v).status).toBe('pass');
    expect(check(v).detail).toMatch(/vary [\d.]+x as much as i\.i\.d\. requests/);
  });
  it('warns when between-round spread dominates, and says what the coin does and does not cover', async () => {
    // +-8 % on the candidate, alternating in runs of 5 rounds: spread far above within-round noise.
    const data = rounds(10, 100, 0, 32).map((r) => ({ ...r, latencyNs: r.latencyNs.map((x, k) => (r.arm[k] ? x * (r.round % 10 < 5 ? 1.08 : 0.92) : x)) }));
    const v = await runSequential(new ReplayRuntime(data), { ...options, threshold: { relative: 0 } });
    expect(v.roundDependence!.varianceFactor).toBeGreaterThan(2);
    expect(check(v).status).toBe('warn');
    expect(check(v).detail).toMatch(/^between-round spread dominates/);
    expect(check(v).detail).toMatch(/randomized by the round's coin/);
    expect(check(v).detail).toMatch(/follows one arm/);
  });
  // A real slowdown is never exactly homogeneous in score units: each round's score also scales with
  // how tight that round's latencies were. Spread well above i.i.d. but small beside the shift itself
  // is the shift varying, not rounds that move together.
  const varying = (mean: number, swing: number, seed: number) =>
    rounds(12, 100, 0, seed).map((r) => ({ ...r, latencyNs: r.latencyNs.map((x, k) => (r.arm[k] ? x * (1 + mean + (r.round % 2 ? swing : -swing)) : x)) }));
  it('passes a clear slowdown whose size varies between rounds by less than half of it, and says by how much', async () => {
    const v = await runSequential(new ReplayRuntime(varying(0.1, 0.03, 33)), { ...options, threshold: { relative: 0 } });
    const d = v.roundDependence!;
    expect(d.spread).toBeGreaterThan(2);
    expect(Math.sqrt(d.spread! - 1)).toBeLessThan(0.5 * d.meanScore!);
    expect(check(v).status).toBe('pass');
    expect(check(v).detail).toMatch(/the shift's size per round varies by \d+ % of it beyond sampling/);
  });
  it('warns when the size varies by more than half of it', async () => {
    const v = await runSequential(new ReplayRuntime(varying(0.1, 0.09, 34)), { ...options, threshold: { relative: 0 } });
    const d = v.roundDependence!;
    expect(Math.sqrt(d.spread! - 1)).toBeGreaterThan(0.5 * d.meanScore!);
    expect(check(v).status).toBe('warn');
    expect(check(v).detail).toMatch(/^between-round spread dominates/);
  });
  it("the check's spread is the scores' sample variance about their mean, and meanScore their mean", async () => {
    const data = varying(0.02, 0.01, 35);
    const v = await runSequential(new ReplayRuntime(data), { ...options, threshold: { relative: 0 } });
    const e = scratchScores(data.slice(0, v.rounds), 0).map((s) => s.score / s.sd);
    const mean = e.reduce((a, x) => a + x, 0) / e.length;
    expect(v.roundDependence!.meanScore).toBeCloseTo(mean, 9);
    expect(v.roundDependence!.spread).toBeCloseTo(e.reduce((a, x) => a + (x - mean) ** 2, 0) / (e.length - 1), 9);
  });
});

describe('runSequential', () => {
  it('a clear slowdown: regression, with p below the boundary and the interval above the budget', async () => {
    const data = rounds(40, 100, 0.1, 5);
    const v = await runSequential(new ReplayRuntime(data), options);
    expect(v.verdict).toBe('regression');
    expect(v.reason).toMatch(/crossed its boundary/);
    expect(v.p).toBe(bruteForceP(data.slice(0, v.rounds), 0.02));
    expect(v.p).toBeLessThanOrEqual(normalSf(v.boundary));
    expect(v.shift.ci[0]).toBeGreaterThan(0.02);
    // The interval inverts two one-sided tests, each at the final boundary's level: a 1 - 2 boundaryP interval.
    expect(v.ciLevel).toBeCloseTo(1 - 2 * normalSf(v.boundary), 12);
  });

  it('the candidate fails 4 % of its requests: regression by the error test, p by listing the rounds\' sign assignments', async () => {
    const data = rounds(40, 100, 0, 6, (arm, rng) => arm === 1 && rng.nextFloat() < 0.04);
    const v = await runSequential(new ReplayRuntime(data), options);
    expect(v.verdict).toBe('regression');
    expect(v.reason).toMatch(/^the candidate fails more requests/);
    const { errors, requests, differences } = countAfterCut(data.slice(0, v.rounds));
    expect(v.errors).toEqual(errors);
    expect(v.errorTest!.requests).toEqual(requests);
    expect(v.errorTest!.rounds).toEqual({ more: differences.filter((d) => d > 0).length, fewer: differences.filter((d) => d < 0).length });
    expect(v.errorTest!.p).toBeCloseTo(enumeratedSignFlipP(differences), 12);
    expect(v.errorTest!.p).toBeLessThanOrEqual(v.errorTest!.level);
    expect(v.errorTest!.alpha).toBeCloseTo(0.005, 15);
  });

  it('3 failed candidate requests and none in the baseline are no regression (at most 3 rounds with a sign: p >= 1/8)', async () => {
    let left = 3;
    const data = rounds(10, 200, 0, 7, (arm, rng) => arm === 1 && left > 0 && rng.nextFloat() < 0.01 && left-- > 0);
    const v = await runSequential(new ReplayRuntime(data), { ...options, threshold: { relative: 0.1 } });
    const { errors, differences } = countAfterCut(data);
    expect(errors).toEqual({ baseline: 0, candidate: 3 });
    expect(v.errorTest!.p).toBeCloseTo(enumeratedSignFlipP(differences), 12);
    expect(v.errorTest!.p).toBeGreaterThanOrEqual(0.125);
    expect(v.verdict).toBe('no-regression');
  });
});

describe('sequential accounting on the requests the looks had', () => {
  // The crashed run: look 2 stood at 3 930 of ~3 944 planned requests (nearly all alpha
  // spent), then the plan tripled to ~15 000 and the run went on to 19 625 requests at look 10.
  // With the fraction clamped to keep increasing it crept towards 1 until two looks had the same
  // time ("information times must increase", exit 3). Now the covariance comes from the requests
  // and the fraction only sets the spending target.
  const requests = [1965, 3930, 5895, 7860, 9825, 11790, 13755, 15720, 17685, 19625];
  const planned = [3900, 3944, 12000, 15000, 15000, 15000, 15000, 15000, 15000, 15000];

  it('a plan that grows after alpha is nearly spent: no crash, looks with nothing to spend skipped, alpha kept', () => {
    const seq = new BoundarySequence(0.045);
    const boundaries = requests.map((n, k) => seq.next(n, spendingTime(n / planned[k]!, k === requests.length - 1)));
    expect(boundaries.slice(2, 7).every((b) => b === Infinity)).toBe(true); // fractions 0.49-0.92, below look 2's 0.996
    expect(Number.isFinite(boundaries[7]!)).toBe(true); // 15 720 of 15 000: just below 1, a little left to spend
    expect(Number.isFinite(boundaries.at(-1)!)).toBe(true);
    // Under H0, with the looks' true correlation sqrt(n_j / n_k), the boundaries cross with probability alpha in all.
    const crossing = crossingProbabilities(boundaries, requests, 0).reduce((a, p) => a + p, 0);
    expect(crossing).toBeCloseTo(0.045, 6);
  });

  it('a first look whose level the test cannot reach (5 rounds: p >= 1/32) spends nothing: its alpha goes to the next', async () => {
    const seq = new BoundarySequence(0.045);
    expect(seq.next(1000, 0.5, 1 / 32)).toBe(Infinity);
    expect(seq.next(2000, 1)).toBeCloseTo(normalQuantile(1 - 0.045), 6);
    const v = await runSequential(new ReplayRuntime(rounds(40, 100, 0.1, 5)), options);
    expect(v.looks[0]!.rounds).toBe(5);
    expect(v.looks[0]!.boundary).toBe(Infinity);
  });

  it('spending fractions: only the final look reaches 1; a fraction past the plan stays just below it', () => {
    expect(spendingTime(0.4, false)).toBe(0.4);
    expect(spendingTime(1.3, false)).toBeLessThan(1);
    expect(spendingTime(1.3, false)).toBeGreaterThan(0.99);
    expect(spendingTime(0.2, true)).toBe(1);
  });

  it('a run whose noise rises after a calm start re-plans upwards and ends with a verdict', async () => {
    const data = rounds(60, 100, 0, 9);
    const rng = new Prng(10);
    // From round 5 on, the candidate instance is +-30 % off in each round (a coin per round): the plan grows.
    for (const r of data.slice(5)) {
      const f = rng.nextBit() ? 1.3 : 0.7;
      r.latencyNs = r.latencyNs.map((v, i) => (r.arm[i] ? Math.round(v * f) : v));
    }
    const v = await runSequential(new ReplayRuntime(data), { ...options, mde: { relative: 0.01 }, minRounds: 5 });
    expect(['regression', 'no-regression', 'inconclusive']).toContain(v.verdict);
    expect(Math.max(...v.looks.map((l) => l.plannedRequests))).toBeGreaterThan(2 * v.looks[0]!.plannedRequests);
    // The data ran out right after a look: the final look is that look again, spending all that is left.
    const [before, last] = v.looks.slice(-2);
    expect(last!.n).toEqual(before!.n);
    expect(last!.boundary).toBeLessThan(before!.boundary);
    const boundaries = [...v.looks.slice(0, -2).map((l) => l.boundary), last!.boundary];
    const info = v.looks.slice(0, -1).map((l) => l.n.baseline + l.n.candidate);
    expect(crossingProbabilities(boundaries, info, 0).reduce((a, p) => a + p, 0)).toBeCloseTo(0.045, 6);
  });
});

