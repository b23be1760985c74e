// The PR comment / job summary headline says which kind of pass a run is: shown within the budget,
// or only not shown to exceed it.
import { describe, expect, it } from 'vitest';
import { verdictMarkdown } from '../../src/report/markdown';
import { oneLookVerdict, syntheticRounds } from './fixtures';

describe('verdictMarkdown: the interval says its level', () => {
  it('the interval row names 1 - 2 x the final boundary p, and no "95"', async () => {
    const v = await oneLookVerdict(syntheticRounds({ rounds: 12, perRound: 400, effect: 0, seed: 21 }), '5%');
    const level = 1 - 2 * v.looks.at(-1)!.boundaryP;
    expect(v.ciLevel).toBeCloseTo(level, 12);
    expect(level).toBeLessThan(0.95);
    expect(verdictMarkdown(v)).toContain(`| ${(level * 100).toFixed(1)} % confidence interval (repeated, at the final look) |`);
    expect(verdictMarkdown(v)).not.toMatch(/95/);
  });
  it('names the smallest slowdown the run would have called a regression, in % and ns', async () => {
    const v = await oneLookVerdict(syntheticRounds({ rounds: 12, perRound: 400, effect: 0, seed: 21 }), '0');
    expect(v.resolution!.ns).toBeCloseTo(v.shift.ns - v.shift.ciNs[0], 9);
    expect(verdictMarkdown(v)).toMatch(/\| smallest slowdown this run would have called a regression \| \+\d+\.?\d*% \(\d[^)]* ?[nµm]?s\) beyond the budget \|/);
  });
});

describe('verdictMarkdown: the kind of pass', () => {
  const aa = syntheticRounds({ rounds: 12, perRound: 400, effect: 0, seed: 21 });

  it('an A/A against a 5 % budget: within-budget, with what that means', async () => {
    const md = verdictMarkdown(await oneLookVerdict(aa, '5%'));
    expect(md).toMatch(/^### 🟢 hook latency: \*\*within-budget\*\*\n\n.*Shown within the budget: the interval lies wholly below it\.\n/);
  });

  it('the same A/A against a budget of 0: no-regression, not shown within it', async () => {
    const md = verdictMarkdown(await oneLookVerdict(aa, '0'));
    expect(md).toMatch(/^### ⚪ hook latency: \*\*no-regression\*\*\n\n.*Not shown to exceed the budget, nor shown within it: the interval reaches above it\.\n/);
  });
});

describe('verdictMarkdown: which part failed', () => {
  it('a tail regression names the tail in the headline and gives the tail row', async () => {
    const { buildReplay } = await import('../../src/study/replay-builder');
    const { runSequential } = await import('../../src/experiment/controller');
    const { ReplayRuntime } = await import('../../src/runtime/replay');
    const { GATE_DEFAULTS } = await import('../../src/study/study');
    const { trace } = await import('../helpers');
    const kind = trace('kindWithout');
    const p99 = Float64Array.from(kind).sort()[Math.floor(0.99 * kind.length)]!;
    const rounds = buildReplay(kind, { start: 4000, requestsPerRound: 400, seed: 11, effect: 0, instanceSd: 0, stall: { share: 0.01, ns: p99 } });
    const v = { ...(await runSequential(new ReplayRuntime(rounds), { ...GATE_DEFAULTS, threshold: { relative: 0 } })), mode: 'macro' as const, runtime: 'replay' };
    const md = verdictMarkdown(v);
    expect(md).toMatch(/^### 🔴 hook latency: \*\*regression\*\*\n\n\*\*Failed: tail \(p99\)\*\*\n/);
    expect(md).toMatch(/^\| tail \| p99 regression: shift \+[\d.]+% \(.+\), [\d.]+ % CI /m);
  });
});
