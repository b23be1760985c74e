// Change points over a gate's history: found where a synthetic step was put, with its commit range,
// levels and an interval that holds the step; put down to the environment when the kernel changed
// there; never across runner types; the Moses interval against the NumPy/SciPy reference.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyseHistory, historySpans, mosesInterval, newestSpanChanges } from '../../src/history/change-points';
import type { HistoryRecord } from '../../src/history/record';
import { Prng } from '../../src/experiment/prng';
import { trendLine } from '../../src/history/trend';
import { normalQuantile } from '../../src/stats/normal';
import { EPYC, XEON, record } from './records';

/** Records with shift 1000 ns (+ step from `at` on), Gaussian noise of sd 20 ns drawn from a seeded generator. */
function history(n: number, at: number, step: number, seed = 1, over: (i: number) => Partial<HistoryRecord> = () => ({})): HistoryRecord[] {
  const g = new Prng(seed);
  return Array.from({ length: n }, (_, i) => record(i, over(i), 1000 + (i >= at ? step : 0) + 20 * normalQuantile((g.nextU32() + 0.5) / 2 ** 32)));
}

const ref = JSON.parse(readFileSync(fileURLToPath(new URL('../stats/fixtures/e-divisive-reference.json', import.meta.url)), 'utf8')) as {
  moses: Array<{ before: number[]; after: number[]; shift: number; ci: [number, number] }>;
};

describe('change points in a history', () => {
  it('finds a +100 ns step at record 35 of 60 with its commit range, levels and an interval holding the step', () => {
    const records = history(60, 35, 100);
    const { changePoints, spans } = analyseHistory(records);
    expect(spans).toHaveLength(1);
    expect(changePoints).toHaveLength(1);
    const [c] = changePoints;
    expect(Math.abs(c!.index - 35)).toBeLessThanOrEqual(1);
    expect(c!.commit).toBe(records[c!.index]!.commit);
    expect(c!.range).toEqual([records[c!.index - 1]!.commit, records[c!.index]!.commit]);
    expect(c!.before).toBeGreaterThan(960);
    expect(c!.after).toBeGreaterThan(1060);
    expect(c!.ci[0]).toBeLessThan(100);
    expect(c!.ci[1]).toBeGreaterThan(100);
    expect(c!.ci[0]).toBeGreaterThan(0);
    expect(c!.p).toBeLessThanOrEqual(0.05);
    expect(c!.environment).toEqual([]);
    expect(newestSpanChanges({ changePoints, spans })).toEqual([c]);
  });

  it('a flat history has none', () => {
    expect(analyseHistory(history(80, 80, 0, 5)).changePoints).toEqual([]);
  });

  it('a step where the kernel changed is put down to the environment, and --fail-on-change does not count it', () => {
    const kernel = { runner: { ...EPYC, kernel: 'Linux 6.11.0-1001-azure' } };
    const records = history(60, 30, 150, 2, (i) => (i >= 30 ? kernel : {}));
    const a = analyseHistory(records);
    expect(a.spans.map((s) => [s.from, s.to, s.changed])).toEqual([
      [0, 29, []],
      [30, 59, ['kernel: Linux 6.8.0-1017-azure → Linux 6.11.0-1001-azure']],
    ]);
    expect(a.changePoints).toHaveLength(1);
    expect(a.changePoints[0]!.environment).toEqual(['kernel: Linux 6.8.0-1017-azure → Linux 6.11.0-1001-azure']);
    expect(newestSpanChanges(a)).toEqual([]);
  });

  it('never compares runner types: a new CPU with another level is a new span, not a change point', () => {
    const records = history(60, 30, 5000, 3, (i) => (i >= 30 ? { runner: XEON } : {}));
    const a = analyseHistory(records);
    expect(a.changePoints).toEqual([]);
    expect(historySpans(records)[1]!.changed[0]).toMatch(/^runtime or runner type: kind · AMD EPYC/);
  });

  it('the Moses interval and Hodges-Lehmann shift match the reference', () => {
    for (const c of ref.moses) {
      const x = Float64Array.from(c.before).sort();
      const y = Float64Array.from(c.after).sort();
      expect(mosesInterval(x, y, 0.95)).toEqual(c.ci);
    }
  });

  it("the PR comment's history line names a change point among the last N comparable merges, and only then", () => {
    const here = { runtime: 'kind', runner: EPYC, shift: { relative: 0.004, ns: 1300 } };
    const late = history(60, 50, 300, 4);
    const line = trendLine(late, here, 'main', 20);
    const cp = analyseHistory(late).changePoints;
    expect(cp).toHaveLength(1);
    const [before, after] = [late[cp[0]!.index - 1]!.commit.slice(0, 7), late[cp[0]!.index]!.commit.slice(0, 7)];
    expect(line).toContain(`since ${before}…${after} (level`);
    expect(cp[0]!.shift).toBeGreaterThan(250);
    expect(cp[0]!.shift).toBeLessThan(350);
    expect(line).toMatch(/Change point: \+[\d.]+ ns since/);
    expect(line).toContain('Shown only, not gated.');
    // The same step 30 merges back lies outside the last 20 comparable records: no note.
    const early = history(60, 20, 300, 4);
    expect(analyseHistory(early).changePoints).toHaveLength(1);
    expect(trendLine(early, here, 'main', 20)).not.toContain('Change point');
  });
});
