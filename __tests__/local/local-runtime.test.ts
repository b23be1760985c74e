// The embedded default end to end: real SUT processes, real hooks built with gcc, the built CLI.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readSamples } from '../../src/samples/read';
import type { Verdict } from '../../src/types';
import { CLI, cli, ROOT, tempDir } from '../helpers';
import { needs } from '../needs';

const SUT = join(ROOT, 'examples', 'sut', 'build', 'sut');
const HOOKS = join(ROOT, 'hook', 'build');
const dir = tempDir('local-runtime');
/** A private copy of the SUT binary, so leftover processes of this suite can be found by path. */
const sutCopy = join(dir, 'sut-under-test');

beforeAll(() => {
  execFileSync('make', ['-s', '-C', join(ROOT, 'hook')]);
  copyFileSync(SUT, sutCopy);
  execFileSync('chmod', ['+x', sutCopy]);
});

function running(pattern: string): string {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim();
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
}
const leftovers = () => running(sutCopy);
/** Every test here looks for leftover SUT processes with pgrep. */
const describeLocal = needs({ pgrep: 'procps' });

function alive(pid: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function config(name: string, body: Record<string, unknown>): string {
  const path = join(dir, `${name}.yml`);
  const sut = { command: [sutCopy], 'ready-path': '/healthz', 'ready-timeout': '5s', ...(body.sut as object) };
  writeFileSync(path, JSON.stringify({ runtime: 'local', 'requests-per-round': 200, 'warmup-requests': 20, ...body, sut }));
  return path;
}

afterAll(() => {
  expect(leftovers()).toBe('');
});

describeLocal('local runtime, examples', () => {
  it('examples/local/aa.yml (noop hook in both arms) is not a regression, exit 0', () => {
    const out = tempDir('aa');
    // A live A/A run is a regression with probability alpha; at 0.01 this test flakes at most 1 % of
    // the time. The false-positive rate itself is established on 200+ replays (__tests__/experiment).
    const r = cli(['run', '--config', 'examples/local/aa.yml', '--out', out, '--json', '--alpha', '0.01', '--max-requests', '30000'], {
      timeout: 200_000,
    });
    expect(r.stderr).toMatch(/^look 1: /m);
    expect(r.status).toBe(0);
    const v = JSON.parse(r.stdout) as Verdict;
    expect(v.verdict).not.toBe('regression');
    expect(v.runtime).toBe('local');
    expect(v.errors).toEqual({ baseline: 0, candidate: 0 });
    expect(v.checks.find((c) => c.id === 'same-pod')?.status).toBe('pass');
    for (const f of ['samples.csv', 'verdict.json', 'summary.md']) expect(existsSync(join(out, f))).toBe(true);
  });

  it('examples/local/slow.yml (20 µs delay per read) is a regression, exit 1, shift near 20 µs', () => {
    const r = cli(['run', '--config', 'examples/local/slow.yml', '--json'], { timeout: 200_000 });
    expect(r.status).toBe(1);
    const v = JSON.parse(r.stdout) as Verdict;
    expect(v.verdict).toBe('regression');
    // One keep-alive request is one read: the shift is the hook's cost, give or take scheduling noise.
    expect(v.shift.ns).toBeGreaterThan(12_000);
    expect(v.shift.ns).toBeLessThan(40_000);
    expect(v.shift.ciNs[0]).toBeGreaterThan(0);
  });

  // hook/contend.c holds one process-wide lock around each read; with HOOK_CONTEND_SLEEP=1 it holds
  // it across a sleep, so the holder needs no CPU and the requests of a 4-thread SUT queue for the
  // lock at any placement and on any number of CPUs (a busy-wait hold contends only when the SUT's
  // threads run on CPUs of their own: docs/runtimes.md). With one request in flight a request pays
  // about one hold; with 8 connections per arm they queue. The margin is the same runs' own: the
  // estimate at 8 lies above the upper end of the interval at 1 (no bound in ns).
  it('contend.so (a lock held across a sleep): the measured cost at concurrency 8 exceeds the cost at concurrency 1', () => {
    const shift = (concurrency: number) => {
      const cfg = config(`contend-${concurrency}`, {
        hook: join(HOOKS, 'contend.so'),
        concurrency,
        'requests-per-round': 400,
        'warmup-requests': 50,
        'min-rounds': 10,
        'max-requests': 8000,
        sut: { env: { HOOK_CONTEND_NS: '4000', HOOK_CONTEND_SLEEP: '1', WORKERS: '4' } },
      });
      const r = cli(['run', '--config', cfg, '--json'], { timeout: 200_000 });
      expect(r.status).toBe(1);
      return (JSON.parse(r.stdout) as Verdict).shift;
    };
    const one = shift(1);
    const eight = shift(8);
    console.log(`contend (sleep hold): concurrency 1 ${one.ns.toFixed(0)} ns [${one.ciNs.map((x) => x.toFixed(0))}], 8 ${eight.ns.toFixed(0)} ns [${eight.ciNs.map((x) => x.toFixed(0))}]`);
    expect(one.ciNs[0]).toBeGreaterThan(0);
    expect(eight.ciNs[0]).toBeGreaterThan(0);
    expect(eight.ns).toBeGreaterThan(one.ciNs[1]);
  });

  it('--count-calls: one hooked read per keep-alive request, and the per-call cost the shift implies', () => {
    const r = cli(['run', '--config', 'examples/local/slow.yml', '--json', '--count-calls'], { timeout: 200_000 });
    const v = JSON.parse(r.stdout) as Verdict;
    expect(v.calls && 'perRequest' in v.calls).toBe(true);
    if (!v.calls || !('perRequest' in v.calls)) return;
    expect(v.calls.perRequest.read).toBeGreaterThan(0.95);
    expect(v.calls.perRequest.read).toBeLessThan(1.1);
    expect(v.calls.impliedPerCallNs.read).toBeCloseTo(v.shift.ns / v.calls.perRequest.read, 6);
    // ... and that per-call cost is the hook's own 20 µs busy-wait, give or take scheduling noise.
    expect(v.calls.impliedPerCallNs.read).toBeGreaterThan(12_000);
    expect(v.calls.impliedPerCallNs.read).toBeLessThan(40_000);
    expect(r.stdout).not.toContain('unavailable');
  });
});

describeLocal('local runtime, faults', () => {
  it('a hook that crashes the SUT mid-run: exit 3, the signal named, samples kept', async () => {
    const out = tempDir('crash');
    const cfg = config('crash', { hook: join(HOOKS, 'crash.so'), sut: { env: { HOOK_CRASH_AFTER: '60' } } });
    const r = cli(['run', '--config', cfg, '--out', out]);
    expect(r.status).toBe(3);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/SUT \(candidate\) was killed by SIGSEGV during round 0/);
    const rounds = await readSamples(join(out, 'samples.csv'));
    expect(rounds).toHaveLength(1);
    const errors = [...rounds[0].status!].filter((s) => s === 0).length;
    expect(errors).toBeGreaterThan(0);
    expect(rounds[0].arm.length).toBe(200);
    expect(leftovers()).toBe('');
  });

  it('a missing hook path: exit 2, one line', () => {
    const r = cli(['run', '--config', config('missing', { hook: join(dir, 'nope.so') })]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^hook-latency: hook .*nope\.so: no such file$/);
  });

  it('a file that is not a shared library: exit 2, the hook named', () => {
    const notLib = join(dir, 'not-a-lib.so');
    writeFileSync(notLib, 'just text\n');
    const r = cli(['run', '--config', config('notlib', { hook: notLib })]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`hook-latency: hook ${notLib}: not a shared library (expected an ELF .so)`);
  });

  it('a SUT that exits at start: exit 3 with its own words', () => {
    const r = cli(['run', '--config', config('exits', { sut: { command: [sutCopy, 'not-a-port'] } })]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/SUT \((baseline|candidate)\) exited with code 2 at start/);
    expect(leftovers()).toBe('');
  });

  it('a port already in use: exit 3, the bind error shown', async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = cli(['run', '--config', config('busy', { sut: { command: [sutCopy, String(port)] } })]);
      expect(r.status).toBe(3);
      expect(r.stderr).toMatch(/at start: .*(in use|bind)/i);
    } finally {
      busy.close();
    }
    expect(leftovers()).toBe('');
  });

  it('a SUT that never becomes ready: exit 3, the URL and the timeout named', () => {
    const r = cli(['run', '--config', config('never', { sut: { command: ['sleep', '37.25'], 'ready-timeout': '1s' } })]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/did not answer 200 on http:\/\/127\.0\.0\.1:\d+\/healthz within 1 s/);
    expect(running('sleep 37.25')).toBe('');
  }, 30_000);

  it('a hook the loader refuses: exit 3, "hook was not loaded" with the loader\'s message', () => {
    // A 32-bit-looking or wrong-architecture ELF is the classic case; a truncated .so makes ld.so refuse it too.
    const broken = join(dir, 'truncated.so');
    writeFileSync(broken, readFileSync(join(HOOKS, 'noop.so')).subarray(0, 64));
    const r = cli(['run', '--config', config('refused', { hook: broken })]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/hook was not loaded into the candidate SUT: .*truncated\.so; the loader said: .*cannot be preloaded/);
    expect(leftovers()).toBe('');
  });

  it('Ctrl-C mid-round: the rows of the round in progress are written too', async () => {
    const out = tempDir('sigint-round');
    // 4000 requests of 1 ms each: round 0 is still running when the signal comes.
    const cfg = config('sigint-round', { hook: join(HOOKS, 'noop.so'), 'requests-per-round': 4000, 'warmup-requests': 10, sut: { env: { SUT_WORK_US: '1000' } } });
    const child = spawn(process.execPath, [CLI, 'run', '--config', cfg, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (running(sutCopy) === '') return;
        clearInterval(poll);
        setTimeout(resolve, 1500);
      }, 20);
    });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    const rounds = await readSamples(join(out, 'samples.csv'));
    expect(rounds.map((r) => r.round)).toEqual([0]);
    expect(rounds[0].arm.length).toBeGreaterThan(0);
    expect(rounds[0].arm.length).toBeLessThan(4000);
    await new Promise((r) => setTimeout(r, 200));
    expect(leftovers()).toBe('');
  });

  it('Ctrl-C (SIGINT) mid-run: exit 130, the samples so far kept, no SUT left running', async () => {
    const out = tempDir('sigint');
    const cfg = config('sigint', { hook: join(HOOKS, 'noop.so'), 'max-duration': '5m', 'max-requests': '1000000' });
    const child = spawn(process.execPath, [CLI, 'run', '--config', cfg, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    // Interrupt after the first look, at a moment when SUT instances are up (each round starts and
    // stops its own, so between rounds there may be none).
    const liveAtInterrupt = await new Promise<string[]>((resolve) => {
      const poll = setInterval(() => {
        const pids = stderr.includes('look 1:') ? running(sutCopy) : '';
        if (pids !== '') {
          clearInterval(poll);
          child.kill('SIGINT');
          resolve(pids.split('\n'));
        }
      }, 20);
    });
    expect(liveAtInterrupt.length).toBeGreaterThan(0);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    expect(stderr).toContain('interrupted by SIGINT');
    const rounds = await readSamples(join(out, 'samples.csv'));
    expect(rounds.length).toBeGreaterThanOrEqual(5);
    await new Promise((r) => setTimeout(r, 200));
    expect(leftovers()).toBe('');
    // The very processes that were measuring when Ctrl-C came are dead (gone, or a zombie that only
    // the reaper still has to collect: its parent, the CLI, has exited).
    for (const pid of liveAtInterrupt) expect(alive(pid), `pid ${pid}`).toBe(false);
  });
});

/** "0,1,2,5" -> "0-2,5", as the kernel writes Cpus_allowed_list. */
function compactCpuList(cpus: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < cpus.length; ) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j] + 1) j++;
    parts.push(j > i ? `${cpus[i]}-${cpus[j]}` : String(cpus[i]));
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * Cpus_allowed_list of the threads of PID, as the kernel reports it (independent of our code):
 * all of them, only the main thread (true), or all but the main thread (false).
 */
function threadAffinities(pid: number | string, main?: boolean): string[] {
  try {
    return readdirSync(`/proc/${pid}/task`).filter((t) => main === undefined || (t === String(pid)) === main).map((t) => /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync(`/proc/${pid}/task/${t}/status`, 'utf8'))?.[1] ?? '?');
  } catch {
    return []; // gone meanwhile
  }
}

describeLocal('local runtime, placement', () => {
  const allowed = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'))![1];
  const cpus = allowed.split(',').flatMap((p) => {
    const [lo, hi = lo] = p.split('-').map(Number);
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  });
  const last = String(cpus.at(-1));

  it('same-cpu: both SUTs and the native loadgen run on the last allowed CPU, the CLI on the rest; recorded and checked', async () => {
    const out = tempDir('placement');
    const cfg = config('placement', { 'min-rounds': 10, 'look-every': 10, 'max-requests': 4000, placement: 'same-cpu', seed: 11 });
    const child = spawn(process.execPath, [CLI, 'run', '--config', cfg, '--out', out, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const seen = { sut: new Set<string>(), cli: new Set<string>() };
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let done = false;
    void exited.then(() => (done = true));
    while (!done) {
      for (const pid of running(sutCopy).split('\n').filter(Boolean)) for (const a of threadAffinities(pid)) seen.sut.add(a);
      // Once the first round runs, the CLI is moved off the measured CPU (before that it only starts up).
      if (seen.sut.size > 0) for (const a of threadAffinities(child.pid!)) seen.cli.add(a);
      await new Promise((r) => setTimeout(r, 30));
    }
    // 0 or 1: both are verdicts (a pure A/A says "regression" alpha of the time).
    expect([0, 1]).toContain(await exited);
    expect([...seen.sut]).toEqual([last]);
    // The last poll may see the affinity restored at teardown; with no CPU left free it stays unpinned.
    const rest = cpus.slice(0, -1);
    expect([...seen.cli].filter((a) => a !== allowed)).toEqual(rest.length ? [compactCpuList(rest)] : []);
    const v = JSON.parse(stdout) as Verdict;
    expect(v.placement).toMatchObject({ requested: 'same-cpu', mode: 'same-cpu', pinned: { loadgen: last, sut: last }, allowed: cpus });
    expect(v.placement!.pinned.helpers).toBe(rest.length ? rest.join(',') : undefined);
    // Every round run is recorded (v.rounds counts the rounds that entered the analysis).
    const n = v.placement!.rounds.length;
    expect(n).toBeGreaterThanOrEqual(10);
    expect(v.placement!.rounds.map((r) => r.round)).toEqual([...Array(n).keys()]);
    for (const r of v.placement!.rounds) {
      expect(r.samples).toBe(4);
      // The load generator (a round lasts milliseconds) as the runtime's observer saw it.
      expect(r.cpus).toEqual({ baseline: [Number(last)], candidate: [Number(last)], loadgen: [Number(last)] });
    }
    // Start order: a coin per round from the seed, so both orders occur.
    expect(new Set(v.placement!.rounds.map((r) => r.first))).toEqual(new Set(['baseline', 'candidate']));
    expect(v.checks.find((c) => c.id === 'placement')).toMatchObject({ status: 'pass' });
    const others = rest.length ? ` \\(orchestrator on CPU ${rest.join(',')}\\)` : '';
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(new RegExp(`\\| CPU placement \\| same-cpu: loadgen on CPU \\d+, both SUT arms on CPU \\d+${others}; arms on different CPUs in 0 of (\\d+) observed rounds; candidate started first in \\d+ of \\1 rounds \\|`));
  }, 120_000);

  it('off: nothing pinned, and the placement check warns', () => {
    const out = tempDir('placement-off');
    const r = cli(['run', '--config', config('placement-off', { 'min-rounds': 2, 'look-every': 2, 'max-requests': 800, placement: 'off' }), '--out', out, '--json'], { timeout: 60_000 });
    expect(r.status).toBe(0);
    const v = JSON.parse(r.stdout) as Verdict;
    expect(v.placement).toMatchObject({ requested: 'off', mode: 'off', pinned: { loadgen: null, sut: null } });
    expect(v.checks.find((c) => c.id === 'placement')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/(^|; )not pinned \(placement: off\)/) }); // on a quiet machine, preceded by where the arms were seen apart
  }, 60_000);

  it('a bad placement: exit 2, one line', () => {
    const r = cli(['run', '--runtime', 'local', '--placement', 'sideways']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("hook-latency: placement must be one of auto, same-cpu, split, off, got 'sideways'");
  });
});
