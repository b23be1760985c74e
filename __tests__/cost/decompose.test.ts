// The decomposition's arithmetic. Reference values computed by hand (python3 math.hypot):
//   read 2 calls x 10 ns (8 .. 13), accept 1 call x 100 ns (90 .. 120) -> predicted 120 ns,
//   120 - hypot(4, 10) = 109.2297, 120 + hypot(6, 20) = 140.8806;
//   measured 200 ns (150 .. 260) -> excess 80, 80 - hypot(50, 20.8806) = 25.8151, 80 + hypot(60, 10.7703) = 140.9590.
import { describe, expect, it } from 'vitest';
import { costCheck, decompose, excessOverhead, functionCosts, predictedOverhead } from '../../src/cost/decompose';
import { costMarkdown, costRows, fasterPerCall, slowerPerCall } from '../../src/cost/render';
import { costSection } from '../../src/cost/html';
import { wrappedByEach } from '../../src/cost/wrapped';
import { burstBatchSize } from '../../src/cost/measure';

const MICRO = { read: { estimate: 10, ci: [8, 13] as [number, number] }, accept: { estimate: 100, ci: [90, 120] as [number, number] } };

describe('cost decomposition', () => {
  it('multiplies calls per request by the cost per call, and sums with root-sum-square half-widths', () => {
    const fns = functionCosts({ read: 2, accept: 1 }, MICRO);
    expect(fns[0]).toMatchObject({ name: 'read', predictedNs: 20, predictedCiNs: [16, 26] });
    const p = predictedOverhead(fns);
    expect(p.ns).toBe(120);
    expect(p.ciNs[0]).toBeCloseTo(109.2297, 3);
    expect(p.ciNs[1]).toBeCloseTo(140.8806, 3);
  });

  it('the excess is measured - predicted with the interval of a difference of independent estimates', () => {
    const e = excessOverhead({ ns: 200, ciNs: [150, 260] }, predictedOverhead(functionCosts({ read: 2, accept: 1 }, MICRO)));
    expect(e.ns).toBe(80);
    expect(e.ciNs[0]).toBeCloseTo(25.8151, 3);
    expect(e.ciNs[1]).toBeCloseTo(140.959, 3);
  });

  it('fires when the excess interval excludes 0, on either side', () => {
    expect(costCheck({ ciNs: [25, 140] })).toBe('outside');
    expect(costCheck({ ciNs: [-140, -25] })).toBe('smaller');
    expect(costCheck({ ciNs: [-1, 1] })).toBe('consistent');
  });

  it('says how much is outside, and names functions on the request path without a micro figure', () => {
    const d = decompose('preload', { read: 2, accept: 1, epoll_wait: 1, close: 0.01 }, { ...MICRO, epoll_wait: 'no micro driver' }, { ns: 200, ciNs: [150, 260] });
    expect(d.check).toBe('outside');
    expect(d.unmeasured).toEqual(['epoll_wait']); // close: 0.01 calls per request is negligible
    expect(d.message).toContain('exceeds the hooked calls\' micro-benchmarked cost by 80 ns per request (25.8 ns .. 141 ns): the cost is outside the hooked calls');
    expect(d.message).toContain('(epoll_wait not micro-benchmarked');
    const md = costMarkdown(d);
    expect(md).toContain('| `read` | 2.00 | 10 ns (8 ns .. 13 ns) | 20 ns (16 ns .. 26 ns) |');
    expect(md).toContain('| `epoll_wait` | 1.00 | no micro driver | |');
    expect(md).toContain('counted by counting preload');
    expect(costRows(d)[0]![1]).toContain('= read 2.00 × 10 ns + accept 1.00 × 100 ns');
    expect(md).toContain('Slower per call than the baseline: `accept` +100 ns (100 ns per request), `read` +10 ns (20 ns per request).');
  });

  it('names no slower function when no per-call interval lies above 0', () => {
    const d = decompose('preload', { read: 1 }, { read: { estimate: 2, ci: [-1, 5] } }, { ns: 0, ciNs: [-10, 10] });
    expect(slowerPerCall(d)).toBe('');
    expect(costMarkdown(d)).not.toContain('Slower per call');
  });

  it('hook vs baseline hook: names the function that got slower, the one dropped, and the uncounted ones', () => {
    const wrappedBy = wrappedByEach(['read', 'epoll_pwait', 'select'], ['epoll_pwait', 'select'], ['read', 'close']);
    expect(wrappedBy).toEqual({ read: 'baseline hook only', epoll_pwait: 'hook only', select: 'hook only' });
    const micro = { read: { estimate: -20_000, ci: [-21_000, -19_000] as [number, number] }, epoll_pwait: { estimate: 20_000, ci: [19_500, 20_500] as [number, number] } };
    const d = decompose('preload', { read: 1, epoll_pwait: 2 }, micro, { ns: 20_000, ciNs: [15_000, 25_000] }, { wrappedBy, uncounted: ['select'] });
    expect(d.functions.map((f) => f.wrappedBy)).toEqual(['baseline hook only', 'hook only']);
    expect(d.predicted.ns).toBe(20_000); // 2 x 20 µs - 1 x 20 µs
    expect(d.uncounted).toEqual(['select']);
    expect(d.message).toContain('(select not micro-benchmarked');
    expect(slowerPerCall(d)).toBe('Slower per call than the baseline: `epoll_pwait` +20 µs (40 µs per request; wrapped by the hook only).');
    expect(fasterPerCall(d)).toBe('Faster per call than the baseline: `read` −20 µs (−20 µs per request; wrapped by the baseline hook only).');
    const md = costMarkdown(d);
    expect(md).toContain('| `read` (baseline hook only) | 1.00 | -20 µs');
    expect(md).toContain('Not counted and not micro-benchmarked (no counter or micro driver for them): `select`.');
    expect(costRows(d).find(([k]) => k === 'per call')![1]).toContain('Faster per call than the baseline: read −20 µs');
    expect(costSection(d)).toContain('<code>epoll_pwait</code> +20 µs');
  });

  it('a smaller shift is reported with positive magnitudes', () => {
    const d = decompose('strace', { read: 1 }, { read: { estimate: 1000, ci: [990, 1010] } }, { ns: 500, ciNs: [480, 520] });
    expect(d.check).toBe('smaller');
    expect(d.message).toMatch(/smaller than the hooked calls' cost by 500 ns per request \(4\d\d\.\d ns \.\. 5\d\d\.\d ns\)/);
  });

  // An unmeasured function can only add cost, so it cannot explain a shortfall, but it is still named.
  it('a smaller shift still names the functions without a micro figure', () => {
    const d = decompose('preload', { read: 1 }, { read: { estimate: 1000, ci: [990, 1010] } }, { ns: 500, ciNs: [480, 520] }, { uncounted: ['select'] });
    expect(d.check).toBe('smaller');
    expect(d.message).toMatch(/cost less in this workload than in the micro benchmark \(select not micro-benchmarked\)$/);
    expect(d.message).not.toContain('part of it may be theirs');
  });

  it('micro batches last about 250 µs of calls, 10 to 1000 calls', () => {
    expect(burstBatchSize(20_000)).toBe(13);
    expect(burstBatchSize(300)).toBe(833);
    expect(burstBatchSize(5)).toBe(1000);
    expect(burstBatchSize(1e6)).toBe(10);
  });
});
