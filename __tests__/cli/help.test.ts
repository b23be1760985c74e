// The usage text names every option the parser accepts, and accepts every option it names.
import { describe, expect, it } from 'vitest';
import { OPTIONS, USAGE } from '../../src/cli-options';
import { cli } from '../helpers';

describe('hook-latency --help', () => {
  it('names every option parseArgs accepts, and only those', () => {
    const named = new Set([...USAGE.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]));
    const accepted = Object.keys(OPTIONS).filter((o) => o !== 'help');
    expect(accepted.filter((o) => !named.has(o))).toEqual([]);
    expect([...named].filter((o) => !(o in OPTIONS))).toEqual([]);
  });

  it('is what the built CLI prints, exit 0', () => {
    const r = cli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${USAGE}\n`);
  });
});
