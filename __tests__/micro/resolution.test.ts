// The driver's resolution (what `npm run bench` prints): the A/A interval half-width at the default run length.
import { beforeAll, describe, expect, it } from 'vitest';
import { MICRO_DEFAULTS, resolution } from '../../src/micro/benchmark';
import { buildAll } from './helpers';

beforeAll(() => buildAll());

describe('resolution', () => {
  it('is a finite, small number of ns at the default run length', async () => {
    const r = await resolution({ repeats: 1 });
    expect(r.function).toBe('read');
    expect(r.rounds).toBe(MICRO_DEFAULTS.rounds);
    expect(r.halfWidths).toHaveLength(1);
    expect(Number.isFinite(r.ns)).toBe(true);
    expect(r.ns).toBeGreaterThan(0);
    expect(r.ns).toBeLessThan(50);
    expect(Math.abs(r.estimates[0]!)).toBeLessThan(r.ns + 1e-9);
    console.log(`resolution: ${JSON.stringify(r)}`);
  });
});
