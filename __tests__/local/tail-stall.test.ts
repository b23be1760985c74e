// A hook that stalls now and then, live: real SUT processes, the real stall.so (every 100th read()
// busy-waits) against noop.so in the baseline, the built CLI on the local runtime with the default
// tail test (p99). The stall is 5 ms, far above any p99 of a loopback request even on a loaded host,
// so a stalled request always lands in the tail; the run holds the tail test's floor (200 requests
// above the p99, 20 000 requests). Asserted: the verdict and which part failed, not what a stall costs.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { beforeAll, expect, it } from 'vitest';
import type { Verdict } from '../../src/types';
import { cli, ROOT, tempDir } from '../helpers';
import { needs } from '../needs';

const HOOKS = join(ROOT, 'hook', 'build');
const dir = tempDir('tail-stall');
const sut = join(dir, 'sut-tail-stall');

beforeAll(() => {
  execFileSync('make', ['-s', '-C', join(ROOT, 'hook')]);
  copyFileSync(join(ROOT, 'examples', 'sut', 'build', 'sut'), sut);
  execFileSync('chmod', ['+x', sut]);
});

needs({ pgrep: 'procps' })('stall.so, live', () => {
  it('every 100th read stalls 5 ms: regression, and the failing part named is the tail (p99); exit 1', () => {
    const config = join(dir, 'stall.yml');
    const body = {
      runtime: 'local',
      sut: { command: [sut], 'ready-path': '/healthz', 'ready-timeout': '5s', env: { HOOK_STALL_NS: '5000000', HOOK_STALL_EVERY: '100' } },
      hook: join(HOOKS, 'stall.so'),
      'baseline-hook': join(HOOKS, 'noop.so'),
      threshold: '0',
      'requests-per-round': 400,
      seed: 23,
      'max-duration': '4m',
    };
    writeFileSync(config, JSON.stringify(body));
    const r = cli(['run', '--config', config, '--json'], { timeout: 280_000 });
    expect(r.status, r.stderr.slice(-400)).toBe(1);
    const v = JSON.parse(r.stdout) as Verdict;
    expect(v.verdict).toBe('regression');
    expect(v.failed).toContain('tail');
    expect(v.tail).toMatchObject({ level: 'p99', outcome: 'regression' });
    expect(v.tail!.shares.candidate).toBeGreaterThan(v.tail!.shares.baseline);
    expect(v.reason).toMatch(/the tail \(p99\) is slower beyond its budget/);
  });
});
