import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSamples } from '../../src/samples/read';
import { writeSamples } from '../../src/samples/write';
import { buildReplay } from '../../src/study/replay-builder';
import type { Verdict } from '../../src/types';
import { cli, replayFile, tempDir, trace } from '../helpers';

let aa: string;
let slow: string;

beforeAll(async () => {
  aa = await replayFile('kindWithout', { seed: 3 }, 30);
  slow = await replayFile('dockerWithout', { seed: 4, effect: 0.07 }, 30);
});

function verdictOf(stdout: string): Verdict {
  return JSON.parse(stdout) as Verdict;
}

describe('hook-latency analyze', () => {
  it('calls a +7% slowdown a regression, exit 1, with the shift and its CI around 7%', () => {
    const r = cli(['analyze', slow, '--json']);
    expect(r.status).toBe(1);
    const v = verdictOf(r.stdout);
    expect(v.verdict).toBe('regression');
    expect(v.shift.relative).toBeGreaterThan(0.05);
    expect(v.shift.relative).toBeLessThan(0.09);
    // The interval brackets the injected +7 % up to sampling noise of one recording.
    expect(v.shift.ci[0]).toBeLessThan(0.075);
    expect(v.shift.ci[1]).toBeGreaterThan(0.065);
    expect(v.shift.ci[1] - v.shift.ci[0]).toBeLessThan(0.03);
    expect(v.n.baseline + v.n.candidate).toBeGreaterThan(9_000);
    expect(v.rounds + v.warmup.invalidRounds.length).toBe(30);
    expect(v.looks).toHaveLength(1);
    expect(v.p).toBeLessThan(0.001);
  });

  it('passes an A/A recording, exit 0, with a CI covering zero', () => {
    const r = cli(['analyze', aa, '--json']);
    expect(r.status).toBe(0);
    const v = verdictOf(r.stdout);
    expect(v.verdict).toBe('no-regression');
    expect(v.shift.ci[0]).toBeLessThan(0);
    expect(v.shift.ci[1]).toBeGreaterThan(0);
  });

  it('tests the budget: with --threshold 10% the +7% recording passes', () => {
    const r = cli(['analyze', slow, '--threshold', '10%', '--json']);
    expect(r.status).toBe(0);
    expect(verdictOf(r.stdout).threshold).toEqual({ relative: 0.1 });
  });

  it('accepts an absolute budget: 50us fails a +7% (about 200us) slowdown, 1ms passes it', () => {
    expect(cli(['analyze', slow, '--threshold', '50us']).status).toBe(1);
    const ok = cli(['analyze', slow, '--threshold', '1ms', '--json']);
    expect(ok.status).toBe(0);
    expect(verdictOf(ok.stdout).threshold).toEqual({ ns: 1e6 });
  });

  it('prints a short human table without --json', () => {
    const r = cli(['analyze', slow]);
    expect(r.stdout).toMatch(/^verdict\s+REGRESSION/m);
    for (const row of ['shift', 'CI', 'p', 'n', 'power']) expect(r.stdout).toMatch(new RegExp(`^${row}\\s`, 'm'));
  });
});

describe('hook-latency run --runtime replay', () => {
  it('stops early with a regression on the +7% recording and prints progress per look', () => {
    const out = tempDir('run-out');
    const r = cli(['run', '--runtime', 'replay', '--replay', slow, '--out', out, '--json']);
    expect(r.status).toBe(1);
    const v = verdictOf(r.stdout);
    expect(v.verdict).toBe('regression');
    expect(v.rounds).toBeLessThan(30);
    expect(r.stderr).toMatch(/^look 1: \d+ rounds, n \d+/m);
    expect(v.looks.length).toBeGreaterThanOrEqual(1);
    for (const f of ['samples.csv', 'verdict.json', 'summary.md']) expect(existsSync(join(out, f))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'verdict.json'), 'utf8')).verdict).toBe('regression');
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('regression');
  });

  it('writes exactly the rounds it consumed to samples.csv', async () => {
    const out = tempDir('run-out');
    const r = cli(['run', '--runtime', 'replay', '--replay', slow, '--out', out, '--json']);
    const v = verdictOf(r.stdout);
    const written = await readSamples(join(out, 'samples.csv'));
    const source = await readSamples(slow);
    // Every round the controller took (valid or left out as not steady), byte for byte, and no more.
    expect(written.length).toBe(v.rounds + v.warmup.invalidRounds.length);
    expect(written.length).toBeLessThan(30);
    written.forEach((r, i) => {
      expect(r.round).toBe(source[i].round);
      expect([...r.latencyNs]).toEqual([...source[i].latencyNs]);
      expect([...r.arm]).toEqual([...source[i].arm]);
    });
  });

  it('verdict JSON carries every contract field; an A/A recording within a 20% budget passes', () => {
    const r = cli(['run', '--runtime', 'replay', '--replay', aa, '--threshold', '20%', '--json']);
    expect(r.status).toBe(0);
    const v = verdictOf(r.stdout);
    expect(v.verdict).toBe('no-regression');
    for (const k of ['p', 'threshold', 'shift', 'n', 'rounds', 'power', 'warmup', 'errors', 'checks'] as const) {
      expect(v).toHaveProperty(k);
    }
    expect(v.shift.ci).toHaveLength(2);
    expect(typeof v.warmup.removed).toBe('number');
    expect(v.errors).toEqual({ baseline: 0, candidate: 0 });
  });

  it('reads options from a config file, overridden by flags', () => {
    const dir = tempDir('cfg');
    const cfg = join(dir, 'gate.yml');
    writeFileSync(cfg, `runtime: replay\nreplay: ${slow}\nthreshold: 20%\n`);
    expect(cli(['run', '--config', cfg]).status).toBe(0);
    expect(cli(['run', '--config', cfg, '--threshold', '0']).status).toBe(1);
  });
});

describe('inconclusive runs and --fail-on-inconclusive', () => {
  // Two rounds (a cap of 800 requests) of an A/A recording cannot bound the shift within a 2 %
  // budget, nor reach a plan sized for a 0.2 % effect: the controller must answer inconclusive.
  const capped = () => ['run', '--runtime', 'replay', '--replay', aa, '--threshold', '2%', '--mde', '0.2%', '--max-requests', '800', '--json'];

  it('a cap hit before the planned size ends inconclusive, exit 0', () => {
    const r = cli(capped());
    expect(r.status).toBe(0);
    const v = verdictOf(r.stdout);
    expect(v.verdict).toBe('inconclusive');
    expect(v.reason).toMatch(/a cap was reached before the planned sample size/);
    expect(v.rounds).toBe(2);
    expect(v.n.baseline + v.n.candidate).toBeLessThanOrEqual(800);
    expect(v.plannedRequests).toBeGreaterThan(800);
    expect(v.power).toBeLessThan(0.9);
  });

  it('with --fail-on-inconclusive the same run exits 1', () => {
    const r = cli([...capped(), '--fail-on-inconclusive']);
    expect(r.status).toBe(1);
    expect(verdictOf(r.stdout).verdict).toBe('inconclusive');
  });

  it('--fail-on-inconclusive changes nothing for a clear pass', () => {
    const r = cli(['run', '--runtime', 'replay', '--replay', aa, '--threshold', '20%', '--fail-on-inconclusive', '--json']);
    expect(r.status).toBe(0);
    expect(verdictOf(r.stdout).verdict).toBe('no-regression');
  });
});

describe('two kinds of pass, and --fail-on strict', () => {
  const aaAt = (threshold: string, ...more: string[]) => ['run', '--runtime', 'replay', '--replay', aa, '--threshold', threshold, ...more];
  /** A passing run's verdict JSON, its exit status and kind of pass checked. */
  function pass(args: string[], status: number, outcome: 'within-budget' | 'no-regression'): Verdict {
    const r = cli([...args, '--json']);
    expect(r.status).toBe(status);
    const v = verdictOf(r.stdout);
    expect([v.verdict, v.outcome, v.withinBudget]).toEqual(['no-regression', outcome, outcome === 'within-budget']);
    return v;
  }

  it('an A/A against a 20 % budget is shown within it: within-budget, and strict passes too', () => {
    expect(pass(aaAt('20%', '--fail-on', 'strict'), 0, 'within-budget').shift.ci[1]).toBeLessThan(0.2);
    const text = cli(aaAt('20%'));
    expect(text.stdout).toMatch(/^verdict +within budget — /m);
    expect(text.stdout).toMatch(/^pass +shown within the budget/m);
  });

  it('an A/A against a budget of 0 is only not shown to exceed it: no-regression, exit 0 by default and 1 with strict', () => {
    expect(pass(aaAt('0'), 0, 'no-regression').shift.ci[1]).toBeGreaterThanOrEqual(0);
    pass(aaAt('0', '--fail-on', 'strict'), 1, 'no-regression');
  });

  it('a fail-on that is not one of the three is one line of bad input, exit 2', () => {
    const r = cli(aaAt('0', '--fail-on', 'sometimes'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/fail-on/);
  });
});

describe('error rate: a candidate that fails requests is a regression', () => {
  let failing: string;
  beforeAll(() => {
    // The A/A recording, with one candidate request in ten a transport error (status 0) in every
    // round, and none in the baseline: 0 against about 20 errors per round.
    const rounds = buildReplay(trace('kindWithout'), { start: 4000, requestsPerRound: 400, seed: 3, effect: 0, instanceSd: 0 }).slice(0, 30);
    for (const r of rounds) {
      let candidates = 0;
      r.status = Int32Array.from(r.arm, (arm) => (arm === 1 && candidates++ % 10 === 0 ? 0 : 200));
    }
    failing = join(tempDir('errors'), 'errors.csv');
    writeSamples(failing, rounds);
  });

  it.each([
    ['run --runtime replay', () => ['run', '--runtime', 'replay', '--replay', failing, '--threshold', '20%', '--json']],
    ['analyze', () => ['analyze', failing, '--threshold', '20%', '--json']],
  ])('%s: regression, exit 1, the reason names the errors, though the latency is within budget', (_name, args) => {
    const r = cli(args());
    expect(r.status).toBe(1);
    const v = verdictOf(r.stdout);
    expect(v.verdict).toBe('regression');
    expect(v.reason).toMatch(/errors/);
    expect(v.errors.baseline).toBe(0);
    expect(v.errors.candidate).toBeGreaterThanOrEqual(50);
    // The latencies are the A/A recording's: the shift alone is far inside a 20 % budget (the error
    // test may stop the run at an early look, where the interval is still unbounded: JSON null).
    expect(Math.abs(v.shift.relative)).toBeLessThan(0.05);
    expect(v.p).toBeGreaterThan(0.01);
  });
});

describe('tail: a candidate that stalls now and then is a regression of the tail', () => {
  let stalling: string;
  beforeAll(async () => {
    // 1 % of candidate requests take the trace's p99 longer: the median stays, the tail moves.
    const kind = trace('kindWithout');
    const p99 = Float64Array.from(kind).sort()[Math.floor(0.99 * kind.length)]!;
    stalling = await replayFile('kindWithout', { seed: 11, stall: { share: 0.01, ns: p99 } }, 50);
  });

  // The replay runtime, look by look as a live run (analyze takes one look at all rounds, where the
  // rank test too sees 1 % of requests a p99 slower in 20 000).
  const run = (...extra: string[]) => cli(['run', '--runtime', 'replay', '--replay', stalling, ...extra]);

  it('regression, failed [tail], the tail report in the verdict; exit 1', () => {
    const r = run('--json');
    expect(r.status).toBe(1);
    const v = verdictOf(r.stdout);
    expect([v.verdict, v.failed]).toEqual(['regression', ['tail']]);
    expect(v.tail).toMatchObject({ level: 'p99', quantile: 0.99, outcome: 'regression', threshold: { relative: 0 }, alphaShare: 0.2 });
    expect(v.tail!.alpha).toBeCloseTo(0.01, 12);
    expect(v.tail!.ci.ns[0]).toBeGreaterThan(0);
  });

  it('the text names the failing part; with --tail off the same recording is no regression', () => {
    const text = run();
    expect(text.stdout).toMatch(/^verdict +REGRESSION \(failed: tail \(p99\)\)/m);
    expect(text.stdout).toMatch(/^tail +p99 regression: shift /m);
    expect(text.stderr).toMatch(/^look 1: .*; tail p \S+ vs \S+$/m);
    const off = run('--tail', 'off', '--json');
    expect(off.status).toBe(0);
    expect(verdictOf(off.stdout)).toMatchObject({ verdict: 'no-regression', tail: null, failed: [] });
  });
});

describe('bad input: exit 2, one line, no stack trace', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ['missing file', () => ['analyze', '/nonexistent/s.csv'], /no such file/],
    ['bad threshold', () => ['analyze', slow, '--threshold', 'fast'], /threshold must look like 2% or 50us/],
    ['bad alpha', () => ['analyze', slow, '--alpha', '3'], /alpha must be a probability/],
    ['tail level not one of four', () => ['analyze', slow, '--tail', 'p42'], /tail must be one of p95, p99, p99.9, off, got 'p42'/],
    ['tail not a level', () => ['analyze', slow, '--tail', 'abc'], /tail must be one of p95, p99, p99.9, off, got 'abc'/],
    ['tail-threshold not a budget', () => ['analyze', slow, '--tail-threshold', 'soon'], /tail-threshold must look like 2% or 50us/],
    ['unknown flag', () => ['analyze', slow, '--bogus'], /Unknown option '--bogus'/],
    ['unknown command', () => ['frobnicate'], /unknown command 'frobnicate'/],
    ['replay without file', () => ['run', '--runtime', 'replay'], /needs --replay/],
    ['unknown runtime', () => ['run', '--runtime', 'docker'], /runtime must be one of/],
    ['concurrency out of range', () => ['run', '--concurrency', '65'], /concurrency must be at most 64, got '65'/],
    ['concurrency not a number', () => ['run', '--concurrency', 'x'], /concurrency must be an integer >= 1, got 'x'/],
    ['analyze without file', () => ['analyze'], /exactly one samples file/],
    ['missing config', () => ['run', '--config', '/nonexistent.yml'], /no such file/],
  ];
  it.each(cases)('%s', (_name, args, message) => {
    const r = cli(args());
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^hook-latency: /);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('hook-latency micro through the CLI', () => {
  it('a hook path that does not exist: exit 2, one line', () => {
    const r = cli(['micro', '--hook', '/nonexistent/hook.so']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/nonexistent\/hook\.so/);
  });
  // What noop.so costs is the host's (tens to hundreds of ns of PLT and dlsym'd call): the contract is that
  // the fields are there and agree with each other and with the exit code, whatever the amount.
  it('noop.so against no hook: JSON with the contract fields, verdict and exit code from the interval', () => {
    const r = cli(['micro', '--hook', 'hook/build/noop.so', '--threshold', '10ns', '--json']);
    const m = JSON.parse(r.stdout);
    expect(m.function).toBe('read');
    expect(m.mode).toBe('micro');
    expect(m.threshold.ns).toBe(10);
    const [lo, hi] = m.overhead_ns.ci;
    expect(lo).toBeLessThanOrEqual(m.overhead_ns.estimate);
    expect(hi).toBeGreaterThanOrEqual(m.overhead_ns.estimate);
    expect(m.verdict).toBe(lo > m.threshold.ns ? 'regression' : 'no-regression');
    expect(r.status).toBe(m.verdict === 'regression' ? 1 : 0);
    expect(m.baseline_ns).toBeGreaterThan(0);
  });
});
