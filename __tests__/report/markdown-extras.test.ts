import { describe, expect, it } from 'vitest';
import { MAX_BARS, perRoundShifts, reportMarkdownExtras } from '../../src/report/html/markdown-extras';
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
    const shifts = perRoundShifts(rounds);
    expect(values).toHaveLength(shifts.length);
    expect(values[0]).toBeCloseTo(shifts[0].relative * 100, 1);
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
