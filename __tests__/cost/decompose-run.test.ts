// --decompose end to end on the local runtime: real SUT, real hooks, the built CLI.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CostDecomposition } from '../../src/cost/decompose';
import type { Verdict } from '../../src/types';
import { cli, ROOT, tempDir } from '../helpers';

const dir = tempDir('decompose-run');
beforeAll(() => execFileSync('make', ['-s', '-C', join(ROOT, 'hook')]));

function configFor(hook: string): string {
  const file = join(dir, `${hook}.yml`);
  writeFileSync(
    file,
    [
      'runtime: local',
      'sut:',
      `  command: ${join(ROOT, 'examples/sut/build/sut')}`,
      '  ready-path: /healthz',
      `hook: ${join(ROOT, 'hook/build', `${hook}.so`)}`,
      'threshold: 0',
      'requests-per-round: 400',
      'warmup-requests: 50',
      'max-duration: 60s',
      'decompose: true',
      '',
    ].join('\n'),
  );
  return file;
}

describe('--decompose on the local runtime', () => {
  it('a hook whose cost is on every system call, not in the read it wraps: the check fires', () => {
    const out = join(dir, 'outside');
    const r = cli(['run', '--config', configFor('outside'), '--json', '--out', out], { timeout: 200_000 });
    const v = JSON.parse(r.stdout) as Verdict;
    expect(v.calls && 'method' in v.calls && v.calls.method).toBe('preload');
    const cost = v.cost as CostDecomposition;
    // outside.so exports only read; the SUT reads once per keep-alive request.
    expect(cost.functions.map((f) => f.name)).toEqual(['read']);
    expect(cost.functions[0]!.callsPerRequest).toBeCloseTo(1, 1);
    expect(cost.predicted.ns).toBeCloseTo(cost.functions[0]!.predictedNs!, 6);
    // A request makes at least three system calls (epoll_pwait, read, write), each paying the filter.
    expect(cost.check).toBe('outside');
    expect(cost.excess.ns).toBeGreaterThan(cost.predicted.ns);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('the cost is outside the hooked calls');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('data-section="cost" data-check="outside"');
  });
});
