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

const so = (hook: string) => join(ROOT, 'hook/build', `${hook}.so`);

function configFor(hook: string, name = hook, extra: string[] = [], env: Record<string, string> = {}): string {
  const file = join(dir, `${name}.yml`);
  writeFileSync(
    file,
    [
      'runtime: local',
      'sut:',
      `  command: ${join(ROOT, 'examples/sut/build/sut')}`,
      '  ready-path: /healthz',
      `  env: ${JSON.stringify(env)}`,
      `hook: ${so(hook)}`,
      'threshold: 0',
      'warmup-requests: 50',
      'max-duration: 60s',
      'decompose: true',
      ...(extra.length ? extra : ['requests-per-round: 400']),
      '',
    ].join('\n'),
  );
  return file;
}

describe('--decompose on the local runtime', () => {
  // Whether the check fires is a timing property (docs/evidence.md: 10 of 10 standalone runs on this VM); under
  // the parallel suite on a loaded machine the macro interval can be wide. Asserted here: the counts,
  // the arithmetic, and that every output carries the decomposition and the same check.
  it('outside.so: counts from the preload, the prediction is the sum of its terms, every output shows the check', () => {
    const out = join(dir, 'outside');
    const r = cli(['run', '--config', configFor('outside'), '--json', '--out', out], { timeout: 200_000 });
    const v = JSON.parse(r.stdout) as Verdict;
    expect(v.calls && 'method' in v.calls && v.calls.method).toBe('preload');
    const cost = v.cost as CostDecomposition;
    // outside.so exports only read; the SUT reads once per keep-alive request.
    expect(cost.functions.map((f) => f.name)).toEqual(['read']);
    expect(cost.functions[0]!.callsPerRequest).toBeCloseTo(1, 1);
    expect(cost.predicted.ns).toBeCloseTo(cost.functions[0]!.predictedNs!, 6);
    expect(cost.excess.ns).toBeCloseTo(cost.measured.ns - cost.predicted.ns, 6);
    expect(cost.measured).toEqual({ ns: v.shift.ns, ciNs: v.shift.ciNs });
    expect(['outside', 'consistent', 'smaller']).toContain(cost.check);
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(summary).toContain('**Where the cost is** (calls counted by counting preload');
    expect(summary).toContain(cost.message.charAt(0).toUpperCase() + cost.message.slice(1));
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain(`data-section="cost" data-check="${cost.check}"`);
  });

  // The check itself, live. outside.so with 4 stacked filters costs every system call of the SUT the
  // same (~2 µs on one 2-vCPU VM); a request on a new connection makes accept4, read, write, close
  // and epoll calls but one read, so the cost outside the wrapped call is several µs per request
  // (measured 5.1 µs [3.9, 6.2] on a quiet VM). With keep-alive the check used to fire only because
  // the micro driver ran the hook without the SUT's HOOK_OUTSIDE_FILTERS; with the SUT's environment
  // it measures the same per-call cost, and a keep-alive request's shift (2.1 µs) was about one
  // filtered call's (2.2 µs): consistent.
  const short = ['requests-per-round: 200', 'min-rounds: 5', 'look-every: 5', 'max-requests: 4000'];
  it('outside.so: the check fires (outside, with the amount)', () => {
    const r = cli(['run', '--config', configFor('outside', 'outside-check', [...short, 'connection: new'], { HOOK_OUTSIDE_FILTERS: '4' }), '--json'], { timeout: 300_000 });
    const cost = (JSON.parse(r.stdout) as Verdict).cost as CostDecomposition;
    expect(cost.check, cost.message).toBe('outside');
    expect(cost.excess.ciNs[0]).toBeGreaterThan(0);
    // The amount is the host's (5-8 µs on one 2-vCPU VM, 1.5 µs with the suite on one CPU): what holds is
    // that the excess is above zero with its whole interval, and that the message gives it.
    // Each amount in the unit that fits it: the interval's lower end can be below a µs (640 ns seen).
    expect(cost.message).toMatch(/^the measured shift exceeds the hooked calls' micro-benchmarked cost by \S+ [nµm]?s per request \(\S+ [nµm]?s \.\. \S+ [nµm]?s\): the cost is outside the hooked calls/);
  });

  // delay.so's 20 µs per read is all inside the wrapped call: predicted and measured agree to a few
  // per cent. Not asserted: the label, nor where the interval's ends fall. The check is a test at the
  // intervals' level, and its width is the host's noise: on the loaded VM the measured shift ran
  // 0.1-0.9 µs above the prediction ('outside' in 3 of 10 runs of this configuration,
  // docs/evidence.md); on a quiet one 0.2-0.3 µs below it ('smaller' in 2 of 4); on a host with a
  // 2.5x slower loopback the interval was -2.0 .. +4.5 µs. What holds on every host: the run's own interval does not exclude agreement
  // to within 10 % of the delay, and the prediction is the delay's size.
  it('delay.so: the measured shift is consistent with the prediction to within 10 % of the delay', () => {
    const r = cli(['run', '--config', configFor('delay', 'delay-check', short, { HOOK_DELAY_NS: '20000' }), '--json'], { timeout: 300_000 });
    const cost = (JSON.parse(r.stdout) as Verdict).cost as CostDecomposition;
    expect(cost.predicted.ns).toBeGreaterThanOrEqual(0.8 * 20_000);
    expect(cost.predicted.ns).toBeLessThanOrEqual(1.5 * 20_000);
    expect(cost.excess.ciNs[0], cost.message).toBeLessThan(0.1 * 20_000);
    expect(cost.excess.ciNs[1], cost.message).toBeGreaterThan(-0.1 * 20_000);
  });

  // A hook that also wraps a function with neither a counter nor a micro driver (select): the run
  // names it, in verdict.json and in the summary, instead of leaving it out silently.
  it('a wrapped function with no counter and no driver is named as not micro-benchmarked', () => {
    const src = join(dir, 'selecthook.c');
    writeFileSync(
      src,
      [
        '#define _GNU_SOURCE',
        '#include <dlfcn.h>',
        '#include <sys/select.h>',
        '#include <unistd.h>',
        'ssize_t read(int fd, void *b, size_t n) { return ((ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read"))(fd, b, n); }',
        'int select(int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *t) {',
        '  return ((int (*)(int, fd_set *, fd_set *, fd_set *, struct timeval *))dlsym(RTLD_NEXT, "select"))(n, r, w, e, t);',
        '}',
        '',
      ].join('\n'),
    );
    const hook = join(dir, 'selecthook.so');
    execFileSync('cc', ['-shared', '-fPIC', '-O2', '-o', hook, src, '-ldl']);
    const config = configFor('noop', 'selecthook', short);
    writeFileSync(config, readFileSync(config, 'utf8').replace(`hook: ${so('noop')}`, `hook: ${hook}`));
    const out = join(dir, 'selecthook');
    const r = cli(['run', '--config', config, '--json', '--out', out], { timeout: 300_000 });
    const v = JSON.parse(r.stdout) as Verdict;
    expect(v.calls && 'uncounted' in v.calls && v.calls.uncounted).toEqual(['select']);
    const cost = v.cost as CostDecomposition;
    expect(cost.uncounted).toEqual(['select']);
    expect(cost.message).toContain('(select not micro-benchmarked');
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('Not counted and not micro-benchmarked (no counter or micro driver for them): `select`.');
  });

  // Two real hooks with known costs per call: the base-branch hook delay.so delays read, the PR hook
  // delay-io.so delays epoll_pwait (which the SUT calls once per keep-alive request) and no longer
  // wraps read. Only the base hook wraps read: the comparison must still include it, as dropped.
  it('hook vs baseline hook: the function only the baseline hook wraps is compared; slower and dropped are named', () => {
    const out = join(dir, 'regression');
    const extra = [`baseline-hook: ${so('delay')}`, 'requests-per-round: 200', 'min-rounds: 5', 'look-every: 5', 'max-requests: 4000'];
    const config = configFor('delay-io', 'regression', extra, { HOOK_DELAY_NS: '20000' });
    const r = cli(['run', '--config', config, '--json', '--out', out], { timeout: 300_000 });
    const v = JSON.parse(r.stdout) as Verdict;
    const cost = v.cost as CostDecomposition;
    const fn = (name: string) => cost.functions.find((f) => f.name === name)!;
    expect(fn('read').wrappedBy).toBe('baseline hook only');
    expect(fn('epoll_pwait').wrappedBy).toBe('hook only');
    expect(fn('read').callsPerRequest).toBeCloseTo(1, 1);
    expect(fn('epoll_pwait').callsPerRequest).toBeGreaterThanOrEqual(0.9);
    // 20 µs per call each way; the micro intervals exclude 0 by far.
    expect(fn('read').perCallNs!).toBeGreaterThanOrEqual(-1.5 * 20_000);
    expect(fn('read').perCallNs!).toBeLessThanOrEqual(-0.8 * 20_000);
    expect(fn('read').perCallCiNs![1]).toBeLessThan(0);
    expect(fn('epoll_pwait').perCallNs!).toBeGreaterThanOrEqual(0.8 * 20_000);
    expect(fn('epoll_pwait').perCallNs!).toBeLessThanOrEqual(1.5 * 20_000);
    expect(fn('epoll_pwait').perCallCiNs![0]).toBeGreaterThan(0);
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(summary).toMatch(/Slower per call than the baseline: `epoll_pwait` \+\S+ µs \([^)]*; wrapped by the hook only\)/);
    expect(summary).toMatch(/Faster per call than the baseline: `read` −\S+ µs \([^)]*; wrapped by the baseline hook only\)/);
    expect(summary).toContain('| `read` (baseline hook only) |');
  });
});
