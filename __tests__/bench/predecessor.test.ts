// bench load's split of a client's rows by the request before: the same instance ("repeat") or the
// other one ("switch"), on rows whose latency is set by that predecessor.
import { describe, expect, it } from 'vitest';
import { predecessorStrata } from '../../bench/loadgen';

/** Rows of one round in the given arm order; a request after its own arm takes `repeat` ns, else `other` ns. */
function csv(round: number, arms: number[], repeat: number, other: number): string {
  return arms
    .map((a, i) => `${round},${a ? 'candidate' : 'baseline'},${i},${i > 0 && arms[i - 1] === a ? repeat : other + i},0,200`)
    .join('\n');
}

describe('predecessorStrata', () => {
  it('splits by the arm of the request before, leaves out the first request and failed ones', () => {
    const pattern = [0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0];
    const arms = [...pattern, ...pattern, ...pattern]; // at least 10 of each stratum per round
    const text = ['round,arm,seq,latency_ns,start_ns,status', csv(0, arms, 700, 1000), csv(1, arms, 700, 1000), '1,baseline,99,5,0,0'].join('\n');
    const p = predecessorStrata(text);
    const repeats = arms.filter((a, i) => i > 0 && arms[i - 1] === a).length;
    expect(p.repeatShare).toBeCloseTo(repeats / (arms.length - 1), 10);
    expect(p.repeat!.p50).toBe(700);
    expect(p.repeat!.iqrOverMedian).toBe(0);
    expect(p.switch.p50).toBeGreaterThan(1000);
  });

  it('strict alternation has no repeats', () => {
    const arms = Array.from({ length: 40 }, (_, i) => i % 2);
    const p = predecessorStrata(csv(0, arms, 1, 1000));
    expect(p.repeat).toBeNull();
    expect(p.repeatShare).toBe(0);
  });
});
