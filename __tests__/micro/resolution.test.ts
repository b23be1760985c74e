// The driver's resolution (what `npm run bench` prints): the A/A interval half-width at the default
// run length, and what it promises: an overhead a few times larger is detected.
import { beforeAll, describe, expect, it } from 'vitest';
import { MICRO_DEFAULTS, resolution, runMicro } from '../../src/micro/benchmark';
import { buildAll, hookPath } from './helpers';

beforeAll(() => buildAll());

describe('resolution', () => {
  let ns = NaN;

  it('is a small number of ns at the default run length', async () => {
    const r = await resolution({ repeats: 1 });
    expect(r.function).toBe('read');
    expect(r.rounds).toBe(MICRO_DEFAULTS.rounds);
    expect(r.halfWidths).toHaveLength(1);
    expect(r.ns).toBeGreaterThan(0);
    expect(r.ns).toBeLessThan(50);
    ns = r.ns;
    console.log(`resolution: ${JSON.stringify(r)}`);
  });

  it('an overhead of four resolutions (at least 100 ns) puts the interval above zero', async () => {
    expect(ns).toBeGreaterThan(0);
    const delay = Math.max(100, Math.ceil(4 * ns));
    const r = await runMicro({ function: 'read', hook: hookPath('delay'), env: { ...process.env, HOOK_DELAY_NS: String(delay) } });
    expect(r.analysis.ci[0]).toBeGreaterThan(0);
    expect(r.analysis.verdict).toBe('regression');
  });
});
