// The tail test on replays of the paper's traces: a hook that stalls 1 % of the candidate's requests
// (each by the trace's own p99, so a stalled request lands in the tail, as 40 µs does on the example
// SUT) leaves the median alone; the tail test flags it and the latency test alone does not. An A/A
// keeps the tail's interval around 0.
import { describe, expect, it } from 'vitest';
import { runSequential } from '../../src/experiment/controller';
import { TAIL_LEVELS, tailRequests } from '../../src/experiment/tail';
import { ReplayRuntime } from '../../src/runtime/replay';
import { quantileSorted } from '../../src/stats';
import { GATE_DEFAULTS } from '../../src/study/study';
import { buildReplay } from '../../src/study/replay-builder';
import { trace } from '../helpers';

const kind = trace('kindWithout');
const p99 = quantileSorted(Float64Array.from(kind).sort(), 0.99);

function replay(stall: boolean, seed: number) {
  return buildReplay(kind, { start: 4000, requestsPerRound: 400, seed, effect: 0, instanceSd: 0, ...(stall ? { stall: { share: 0.01, ns: p99 } } : {}) });
}

async function gate(stall: boolean, seed: number, tail: boolean) {
  return runSequential(new ReplayRuntime(replay(stall, seed)), {
    ...GATE_DEFAULTS,
    threshold: { relative: 0 },
    ...(tail ? {} : { tail: null }),
  });
}

describe('tail test', () => {
  it('is on by default (p99, the budget of the threshold) with a fifth of alpha', () => {
    expect(GATE_DEFAULTS.tail?.level).toBe('p99');
    expect(tailRequests(TAIL_LEVELS.p99)).toBe(20_000);
  });

  it.each([11, 12])('seed %i: a stall in 1 in 100 candidate requests: the tail test flags it, the latency test alone does not', async (seed) => {
    const withTail = await gate(true, seed, true);
    expect(withTail.verdict).toBe('regression');
    expect(withTail.failed).toEqual(['tail']);
    expect(withTail.reason).toMatch(/^the tail \(p99\) is slower beyond its budget/);
    const t = withTail.tail!;
    expect(t.outcome).toBe('regression');
    expect(t.p).toBeLessThanOrEqual(t.testLevel);
    expect(t.alphaShare).toBeCloseTo(0.2, 12);
    // The interval inverted from the same test excludes the budget (0) exactly when it rejects.
    expect(t.ci.relative[0]).toBeGreaterThan(0);
    expect(t.ci.ns[0]).toBeGreaterThan(0);
    expect(t.estimate.ns).toBeGreaterThan(t.ci.ns[0]);
    expect(t.shares.candidate).toBeGreaterThan(t.shares.baseline);
    // The median barely moves: the latency test does not reject.
    expect(withTail.p).toBeGreaterThan(withTail.looks.at(-1)!.boundaryP);
    const alone = await gate(true, seed, false);
    expect(alone.verdict).not.toBe('regression');
    expect(alone.tail).toBeNull();
    expect(alone.failed).toEqual([]);
  });

  it('an A/A: no tail regression, the tail interval covers 0, the run holds 200 requests above the p99', async () => {
    const v = await gate(false, 5, true);
    expect(v.tail!.outcome).not.toBe('regression');
    expect(v.tail!.ci.ns[0]).toBeLessThanOrEqual(0);
    expect(v.tail!.ci.ns[1]).toBeGreaterThanOrEqual(0);
    expect(v.n.baseline + v.n.candidate).toBeGreaterThanOrEqual(20_000);
    expect(v.failed).toEqual([]);
  });
});
