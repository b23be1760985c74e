// The change point study's targets on a small run (the full table: src/study/history-main.ts,
// docs/method.md): with the record noise of A/A records from the paper's traces, a 2 % step in 60
// records is found within ±2 records in at least 90 % of histories, and flat histories have at most
// 1 false change point per 100 records.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/experiment/prng';
import { recordNoisePool, runScenario } from '../../src/study/history-study';
import { readPaperTrace } from '../../src/study/paper-trace';
import { ROOT } from '../helpers';

describe('change point study (small run)', () => {
  const dir = join(ROOT, 'data', 'paper');
  const traces = readdirSync(dir).filter((f) => f.includes('without') && f.endsWith('.csv.gz')).sort().map((f) => readPaperTrace(join(dir, f)));
  const rng = new Prng(99);
  const noise = recordNoisePool(traces, 200, rng);

  it('record noise is that of real records: a spread of a few tenths of a per cent, centred near 0', () => {
    const mean = noise.reduce((s, v) => s + v, 0) / noise.length;
    const sd = Math.sqrt(noise.reduce((s, v) => s + (v - mean) ** 2, 0) / (noise.length - 1));
    expect(sd).toBeGreaterThan(0.001);
    expect(sd).toBeLessThan(0.02);
    expect(Math.abs(mean)).toBeLessThan(sd);
  });

  it('finds a 2 % step in 60 records within ±2 records in >= 90 % of 60 histories', () => {
    const r = runScenario({ name: 'step +2 %', records: 60, kind: 'step', size: 0.02 }, 60, noise, rng);
    expect(r.detected / r.histories).toBeGreaterThanOrEqual(0.9);
  });

  it('flat histories of 100 records: at most 1 false change point per 100 records over 60 histories', () => {
    const r = runScenario({ name: 'flat', records: 100, kind: 'flat', size: 0 }, 60, noise, rng);
    expect(r.falsePer100).toBeLessThanOrEqual(1);
  });
});
