import { describe, expect, it } from 'vitest';
import { prepareRound } from '../../src/experiment/prepared-round';
import { MAX_BARS, reportMarkdownExtras } from '../../src/report/html/markdown-extras';
import { oneLookVerdict, syntheticRounds } from './fixtures';

function block(md: string): string[] {
  const m = /```mermaid\n([\s\S]*?)\n```/.exec(md);
  if (!m) throw new Error('no mermaid block');
  return m[1].split('\n');
}

describe('reportMarkdownExtras', () => {
  it('is a small xychart-beta of the per-round shifts with the pooled estimate and the budget', async () => {
    const rounds = syntheticRounds({ rounds: 12, perRound: 400, effect: 0.05 });
    const v = await oneLookVerdict(rounds, '2%');
    const md = reportMarkdownExtras(rounds, v);
    const lines = block(md);
    expect(lines[0]).toBe('xychart-beta');
    const bar = lines.find((l) => l.trim().startsWith('bar '))!;
    const values = JSON.parse(bar.trim().slice(4)) as number[];
    // One bar per valid round (no round is left out here), round 0 first.
    expect(v.warmup.invalidRounds).toEqual([]);
    expect(values).toHaveLength(rounds.length);
    // Round 0's bar is its Hodges-Lehmann shift of log latency: the median of all pairwise
    // differences, computed here by brute force on the samples the test uses.
    const p = prepareRound(rounds[0]);
    const diffs: number[] = [];
    for (const c of p.log.candidate) for (const b of p.log.baseline) diffs.push(c - b);
    diffs.sort((a, b) => a - b);
    const h = diffs.length >> 1;
    const hl = diffs.length % 2 ? diffs[h] : (diffs[h - 1] + diffs[h]) / 2;
    expect(values[0]).toBeCloseTo(Math.expm1(hl) * 100, 1);
    const lineRows = lines.filter((l) => l.trim().startsWith('line '));
    expect(lineRows).toHaveLength(2);
    expect(JSON.parse(lineRows[1].trim().slice(5))[0]).toBe(2);
    expect(md).toContain('<details>');
    expect(md.length).toBeLessThan(2000);
    expect(lines.find((l) => l.includes('x-axis'))).toMatch(/x-axis "round" \["0", "1", /);
  });

  it('groups many rounds into at most MAX_BARS bars', async () => {
    const rounds = syntheticRounds({ rounds: 100, perRound: 100, effect: 0.05, seed: 2 });
    const v = await oneLookVerdict(rounds);
    const lines = block(reportMarkdownExtras(rounds, v));
    const bar = JSON.parse(lines.find((l) => l.trim().startsWith('bar '))!.trim().slice(4)) as number[];
    expect(bar.length).toBeLessThanOrEqual(MAX_BARS);
    expect(bar.length).toBeGreaterThan(MAX_BARS / 2);
    expect(lines.find((l) => l.includes('x-axis'))).toMatch(/"0-\d+"/);
  });

  it('is empty when no round is valid', async () => {
    const rounds = syntheticRounds({ rounds: 3, perRound: 400 });
    const v = await oneLookVerdict(rounds);
    expect(reportMarkdownExtras([], v)).toBe('');
  });
});
