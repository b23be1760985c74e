// The gate's operating characteristics on the paper's real traces, replayed interleaved: the
// false-positive rate over many A/A replays stays within alpha (also with failed requests and with
// round effects that persist), the paper's own hook effects are found with the promised power and
// sample size, and in every verdict the interval excludes the budget exactly when the test rejects.
import { describe, expect, it } from 'vitest';
import { runStudy, type StudySpec } from '../../src/study/study';
import { trace } from '../helpers';

const ALPHA = 0.05;
const traces = {
  all: ['dockerWithout', 'dockerWith', 'kindWithout', 'kindWith', 'podWithout', 'podWith', 'nodesWithout', 'nodesWith'] as const,
};
const loaded = Object.fromEntries(traces.all.map((n) => [n, trace(n)]));
const base = { requestsPerRound: 400, starts: [0, 4000, 12000, 20000], seed: 101 };

function spec(s: Partial<StudySpec>): StudySpec {
  return { ...base, replays: 200, effect: 0, instanceSd: 0, threshold: { relative: 0 }, traces: [], ...s } as StudySpec;
}

describe('A/A: regression verdicts stay within alpha + 2 SE over 200 replays', () => {
  const limit = ALPHA + 2 * Math.sqrt((ALPHA * (1 - ALPHA)) / 200);
  it('interleaved replays of all 8 traces, starting inside and after the warm-up', async () => {
    const r = await runStudy(spec({ traces: traces.all.map((n) => loaded[n]) }));
    expect(r.replays).toBe(200);
    expect(r.regressionRate).toBeLessThanOrEqual(limit);
    expect(r.verdicts.regression + r.verdicts['no-regression'] + r.verdicts.inconclusive).toBe(200);
    expect(r.intervalMismatches).toBe(0);
  });
  it('with a 1 % per-round instance offset on the candidate', async () => {
    const r = await runStudy(spec({ traces: traces.all.map((n) => loaded[n]), instanceSd: 0.01, seed: 202 }));
    expect(r.regressionRate).toBeLessThanOrEqual(limit);
    expect(r.intervalMismatches).toBe(0);
  });
  it.each([0.002, 0.01])('with a share %s of failed requests (status 0 or 500) in both arms alike', async (errorRate) => {
    const r = await runStudy(spec({ traces: traces.all.map((n) => loaded[n]), errorRate, seed: 303 }));
    expect(r.regressionRate).toBeLessThanOrEqual(limit);
    expect(r.intervalMismatches).toBe(0);
  });
  it('one instance failing a burst of 8-20 requests in one round (a coin picks the arm): the error test, whose unit is the round, never calls it', async () => {
    const r = await runStudy(spec({ traces: traces.all.map((n) => loaded[n]), burst: { min: 8, max: 20, withinRounds: 10 }, seed: 505 }));
    expect(r.errorRegressions).toBe(0);
    expect(r.regressionRate).toBeLessThanOrEqual(limit);
  });
  it('with a +-2 % offset on the first-started instance that keeps its sign from round to round with probability 0.99', async () => {
    const r = await runStudy(spec({ traces: traces.all.map((n) => loaded[n]), instanceSd: 0.01, persistent: { size: 0.02, stay: 0.99, on: 'slot' }, seed: 404 }));
    expect(r.regressionRate).toBeLessThanOrEqual(limit);
    expect(r.intervalMismatches).toBe(0);
  });
  it('contrast: the same offset following the candidate arm (no coin reaches it) is taken for a slowdown', async () => {
    const r = await runStudy(spec({ traces: traces.all.map((n) => loaded[n]), instanceSd: 0.01, persistent: { size: 0.02, stay: 0.99, on: 'arm' }, seed: 404 }));
    // About half the runs have a slower candidate in (nearly) every round.
    expect(r.regressionRate).toBeGreaterThan(0.3);
  });
});

describe("power: the paper's hook effects found >= 90 % of the time with a median <= 6000 requests", () => {
  it.each([
    ['Docker', 'dockerWithout', 0.07],
    ['kind', 'kindWithout', 0.038],
    ['EKS pod', 'podWithout', 0.029],
  ] as const)('%s (%s, +effect %s)', async (_env, name, effect) => {
    const r = await runStudy(spec({ traces: [loaded[name]], effect, instanceSd: 0.01, replays: 100 }));
    expect(r.regressionRate).toBeGreaterThanOrEqual(0.9);
    expect(r.medianRequests).toBeLessThanOrEqual(6000);
    expect(r.intervalMismatches).toBe(0);
  });
});

describe('a hook that fails requests in every round', () => {
  it('candidate 0.5 % vs baseline 0.2 % failed, at the pod defaults (2 000 requests x 20 rounds): the error test finds it in >= 90 % of runs', async () => {
    const r = await runStudy(
      spec({ traces: traces.all.map((n) => loaded[n]), errorRate: { baseline: 0.002, candidate: 0.005 }, requestsPerRound: 2000, starts: [0, 4000], options: { minRounds: 20 }, replays: 40, seed: 606 }),
    );
    expect(r.errorRegressions / r.replays).toBeGreaterThanOrEqual(0.9);
  });
});

describe('the budget is what is tested', () => {
  const without = [loaded.dockerWithout, loaded.kindWithout, loaded.podWithout, loaded.nodesWithout];
  it('threshold 5 %: a +2 % slowdown passes', async () => {
    const r = await runStudy(spec({ traces: without, effect: 0.02, instanceSd: 0.01, threshold: { relative: 0.05 }, replays: 60 }));
    // The latency test never; the tail test (its own alpha 0.01, the tail shifted 2 % against a 5 %
    // budget) at most 3 of 60 (P(>= 4) = 0.003 at a rate of 1 %).
    expect(r.foundBy.latency).toBe(0);
    expect(r.foundBy.tail).toBeLessThanOrEqual(3);
    expect(r.verdicts['no-regression']).toBeGreaterThanOrEqual(57);
    expect(r.intervalMismatches).toBe(0);
  });
  it('threshold 5 %, no slowdown: shown within the budget (withinBudget) in >= 90 % of runs', async () => {
    const r = await runStudy(spec({ traces: without, effect: 0, instanceSd: 0.01, threshold: { relative: 0.05 }, replays: 60 }));
    expect(r.withinBudget / r.replays).toBeGreaterThanOrEqual(0.9);
  });
  it('threshold 5 %, a slowdown of exactly 5 %: shown within the budget in at most alpha + 2 SE of runs', async () => {
    const r = await runStudy(spec({ traces: without, effect: 0.05, instanceSd: 0.01, threshold: { relative: 0.05 }, replays: 200 }));
    expect(r.withinBudget / r.replays).toBeLessThanOrEqual(ALPHA + 2 * Math.sqrt((ALPHA * (1 - ALPHA)) / 200));
  });
  it('threshold 5 %: a +12 % slowdown fails', async () => {
    const r = await runStudy(spec({ traces: without, effect: 0.12, instanceSd: 0.01, threshold: { relative: 0.05 }, replays: 60 }));
    expect(r.regressionRate).toBeGreaterThanOrEqual(0.95);
    expect(r.intervalMismatches).toBe(0);
  });
});
