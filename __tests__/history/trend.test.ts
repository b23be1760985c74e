// The record format (round trip, nulls for unbounded ends, bad lines) and the like-with-like history
// line: only records of the same runtime and runner type count, and too few of them say so.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors';
import { parseHistory, parseHistoryStrict, recordLine, recordOf } from '../../src/history/record';
import { selectComparable, trendLine } from '../../src/history/trend';
import type { Verdict } from '../../src/types';
import { EPYC, XEON, record } from './records';

describe('history records', () => {
  it('round-trip through JSON Lines; an unbounded interval end is written as null and read back as infinite', () => {
    const r = record(3, { shift: { relative: 0.01, ns: 3000, ci: [0.002, Infinity], ciNs: [600, Infinity] } });
    const line = recordLine(r);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.split('\n')).toHaveLength(2);
    expect(JSON.parse(line).shift.ci).toEqual([0.002, null]);
    const [back] = parseHistory(line).records;
    expect(back.shift.ci).toEqual([0.002, Infinity]);
    expect(back).toEqual(r);
  });

  it('recordOf keeps the verdict figures and a placement when the verdict has one', () => {
    const v = {
      verdict: 'regression',
      runtime: 'local',
      threshold: { ns: 500 },
      shift: { relative: 0.02, ns: 6000, ci: [0.01, 0.03], ciNs: [3000, 9000] },
      median: { baseline: 300_000, candidate: 306_000 },
      n: { baseline: 1000, candidate: 1001 },
      rounds: 12,
      placement: { cpus: { baseline: [0], candidate: [1] } },
    } as unknown as Verdict;
    const ctx = { gate: 'g', commit: 'abc', branch: 'main', date: '2026-02-01T00:00:00.000Z', runner: XEON, hook: { sha256: 'f'.repeat(64), baselineSha256: null } };
    const r = recordOf(v, ctx);
    expect(r).toMatchObject({ schema: 1, gate: 'g', commit: 'abc', runtime: 'local', verdict: 'regression', threshold: { ns: 500 }, rounds: 12, runner: XEON });
    expect(r.shift).toEqual(v.shift);
    expect(r.placement).toEqual({ cpus: { baseline: [0], candidate: [1] } });
    expect('placement' in recordOf({ ...v, placement: undefined } as Verdict, ctx)).toBe(false);
  });

  it('skips lines that are not records and says which; the strict reader names the file and line', () => {
    const text = `${recordLine(record(1))}not json\n{"schema":1}\n\n${recordLine(record(2))}`;
    const { records, problems } = parseHistory(text);
    expect(records.map((r) => r.commit)).toEqual([record(1).commit, record(2).commit]);
    expect(problems).toEqual(['line 2: not valid JSON', "line 3: 'gate' must be a string"]);
    expect(() => parseHistoryStrict(text, 'h.jsonl')).toThrow(UsageError);
    expect(() => parseHistoryStrict(text, 'h.jsonl')).toThrow("h.jsonl: line 2: not valid JSON (and 1 more)");
  });
});

describe('the history line (like with like)', () => {
  const here = { runtime: 'kind', runner: EPYC, shift: { relative: 0.0063, ns: 1900 } };

  it('compares with the last N records of the same runtime and runner type on the base branch', () => {
    const records = [
      ...Array.from({ length: 30 }, (_, i) => record(i, {}, 800 + i * 10)), // 800..1090 ns on EPYC x4
      record(40, { runner: XEON }, 5000),
      record(41, { runtime: 'podman' }, 7000),
      record(42, { runner: { ...EPYC, vcpus: 8 } }, 6000),
      record(43, { branch: 'release' }, 9000),
    ];
    const sel = selectComparable(records, here, 'main', 20);
    expect(sel.onBranch).toHaveLength(33);
    expect(sel.comparable.map((r) => r.shift.ns)).toEqual(Array.from({ length: 20 }, (_, i) => 900 + i * 10));
    const line = trendLine(records, here, 'main', 20);
    expect(line).toContain('this run +1.9 µs (+0.63%)');
    expect(line).toContain('the last 20 comparable records on `main` (kind · AMD EPYC 7763 64-Core Processor · 4 vCPUs)');
    // Range 900..1090 ns, median 995 ns: the run is above it. The other runners' larger figures are not in it.
    expect(line).toContain('+900 ns … +1.09 µs, median +995 ns — above that range');
    expect(line).toContain('Shown only, not gated.');
  });

  it('says within or below that range', () => {
    const records = Array.from({ length: 5 }, (_, i) => record(i, {}, 1000 + i * 500));
    expect(trendLine(records, { ...here, shift: { relative: 0, ns: 2000 } }, 'main', 20)).toContain('within that range');
    expect(trendLine(records, { ...here, shift: { relative: 0, ns: -100 } }, 'main', 20)).toContain('this run -100 ns');
    expect(trendLine(records, { ...here, shift: { relative: 0, ns: -100 } }, 'main', 20)).toContain('below that range');
  });

  it('says when too few records were measured like this run', () => {
    const records = [record(1), record(2, { runner: XEON }), record(3, { runner: XEON }), record(4)];
    const line = trendLine(records, here, 'main', 20);
    expect(line).toContain('only 2 of 4 records on `main` were measured like this run');
    expect(line).toContain('too few for a trend');
    expect(line).not.toMatch(/range/);
  });
});
