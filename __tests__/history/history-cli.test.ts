// `hook-latency history FILE.jsonl --json | --fail-on-change` as a process (the built CLI): the spans and
// change points on stdout, exit 1 only for a change point in the newest span, the chart marking it,
// and bad flags refused with one line, exit 2.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordLine, type HistoryRecord } from '../../src/history/record';
import { Prng } from '../../src/experiment/prng';
import { normalQuantile } from '../../src/stats/normal';
import { buildDist } from '../action/runner';
import { cli, tempDir } from '../helpers';
import { EPYC, record } from './records';

/** n records at 2000 ns + step from `at` on, sd 30 ns noise; a kernel change at `kernelAt`. */
function history(n: number, at: number, step: number, kernelAt = n): HistoryRecord[] {
  const g = new Prng(11);
  const kernel = { ...EPYC, kernel: 'Linux 6.11.0-1001-azure' };
  return Array.from({ length: n }, (_, i) =>
    record(i, i >= kernelAt ? { runner: kernel } : {}, 2000 + (i >= at ? step : 0) + 30 * normalQuantile((g.nextU32() + 0.5) / 2 ** 32)),
  );
}

let dir: string;
const write = (name: string, records: HistoryRecord[]) => {
  const file = join(dir, name);
  writeFileSync(file, records.map(recordLine).join(''));
  return file;
};
beforeAll(() => {
  buildDist();
  dir = tempDir('history-json');
});

describe('hook-latency history --json / --fail-on-change', () => {
  it('prints the spans and the change point of a +150 ns step at record 50 of 70 (a kernel change at 20)', () => {
    const records = history(70, 50, 150, 20);
    const file = write('step.jsonl', records);
    const r = cli(['history', file, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.spans.map((s: { from: number; to: number }) => [s.from, s.to])).toEqual([[0, 19], [20, 69]]);
    expect(out.spans[1].changed).toEqual(['kernel: Linux 6.8.0-1017-azure → Linux 6.11.0-1001-azure']);
    expect(out.changePoints).toHaveLength(1);
    const c = out.changePoints[0];
    expect(Math.abs(c.index - 50)).toBeLessThanOrEqual(1);
    expect(c.commit).toBe(records[c.index]!.commit);
    expect(c.range).toEqual([records[c.index - 1]!.commit, c.commit]);
    expect(c.ci[0]).toBeLessThan(150);
    expect(c.ci[1]).toBeGreaterThan(150);
    expect(c.after - c.before).toBeGreaterThan(100);
    expect(c.environment).toEqual([]);
    expect(r.stderr).toContain(`since ${c.range[0].slice(0, 7)}…${c.range[1].slice(0, 7)}`);
  });

  it('--fail-on-change: exit 1 for a change point in the newest span, 0 for a flat history', () => {
    expect(cli(['history', write('step2.jsonl', history(70, 50, 150)), '--json', '--fail-on-change']).status).toBe(1);
    const flat = cli(['history', write('flat.jsonl', history(70, 70, 0)), '--json', '--fail-on-change']);
    expect(flat.status, flat.stderr).toBe(0);
    expect(JSON.parse(flat.stdout).changePoints).toEqual([]);
  });

  it('a step that came with a kernel change is labelled so and does not fail the scheduled job', () => {
    const r = cli(['history', write('kernel.jsonl', history(70, 40, 150, 40)), '--json', '--fail-on-change']);
    expect(r.status, r.stderr).toBe(0);
    const { changePoints } = JSON.parse(r.stdout);
    expect(changePoints).toHaveLength(1);
    expect(changePoints[0].environment).toEqual(['kernel: Linux 6.8.0-1017-azure → Linux 6.11.0-1001-azure']);
  });

  it('the chart marks the change point with its commit range and labels the environment change', () => {
    const records = history(70, 50, 150, 20);
    const out = join(dir, 'step.html');
    expect(cli(['history', write('chart.jsonl', records), '--out', out]).status).toBe(0);
    const html = readFileSync(out, 'utf8');
    const marks = [...html.matchAll(/<g data-changepoint="(\d+)"><title>([^<]*)<\/title>/g)];
    expect(marks).toHaveLength(1);
    const index = Number(marks[0]![1]);
    expect(marks[0]![2]).toContain(`since ${records[index - 1]!.commit.slice(0, 7)}…${records[index]!.commit.slice(0, 7)}`);
    expect(html).toContain('B: kernel: Linux 6.8.0-1017-azure → Linux 6.11.0-1001-azure');
    expect(html).toContain('data-changepoints="1"');
  });

  it.each([
    [['--fail-on-change=yes'], /--fail-on-change/],
    [['--threshold', '5%'], /history does not take --threshold/],
    [['--json', '--seed', '3'], /history does not take --seed/],
  ])('bad flags %o: exit 2, one line', (flags, message) => {
    const r = cli(['history', write('bad.jsonl', history(10, 10, 0)), ...flags]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
