import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readVerdict, reportCommand } from '../../src/commands/report';
import { UsageError } from '../../src/errors';
import { writeReport } from '../../src/report/html/write';
import { readSamples } from '../../src/samples/read';
import { writeSamples } from '../../src/samples/write';
import { tempDir } from '../helpers';
import { oneLookVerdict, syntheticRounds } from './fixtures';

let dir: string;
let samples: string;

beforeAll(async () => {
  dir = tempDir('report-cmd');
  samples = join(dir, 'samples.csv');
  writeSamples(samples, syntheticRounds({ rounds: 10, perRound: 400, effect: 0.06, errorRate: 0.005 }));
});

async function usageError(p: Promise<unknown>): Promise<UsageError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UsageError);
  const u = err as UsageError;
  expect(u.exitCode).toBe(2);
  expect(u.message).not.toContain('\n');
  return u;
}

describe('hook-latency report', () => {
  it('computes the verdict as analyze does and writes one HTML file', async () => {
    const out = join(dir, 'computed.html');
    expect(await reportCommand(samples, { out, threshold: '2%' })).toBe(0);
    const html = readFileSync(out, 'utf8');
    const expected = await oneLookVerdict(await readSamples(samples), '2%');
    expect(html).toContain(`data-verdict="${expected.verdict}"`);
    expect(html).toContain('<th>threshold</th><td><code>2%</code></td>');
  });

  it('takes a verdict file (as run --out writes it) and shows it', async () => {
    const v = await oneLookVerdict(await readSamples(samples));
    const vf = join(dir, 'verdict.json');
    writeFileSync(vf, `${JSON.stringify({ ...v, reason: 'from the file', checks: [{ id: 'same-pod', status: 'pass', detail: 'ok <b>' }] }, null, 2)}\n`);
    const out = join(dir, 'given.html');
    expect(await reportCommand(samples, { verdict: vf, out })).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('From the file.');
    expect(html).toContain('ok &lt;b&gt;');
  });

  it('reads an unbounded CI end written as null back as infinite', () => {
    const vf = join(dir, 'null-ci.json');
    writeFileSync(
      vf,
      JSON.stringify({ verdict: 'inconclusive', p: 0.3, threshold: { relative: 0 }, shift: { relative: 0.01, ns: 10, ci: [null, 0.2] }, n: { baseline: 1, candidate: 1 }, rounds: 1 }),
    );
    const v = readVerdict(vf);
    expect(v.shift.ci).toEqual([-Infinity, 0.2]);
    expect(v.looks).toEqual([]);
    expect(v.checks).toEqual([]);
  });

  it('bad samples: one line, exit 2, as analyze', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'round,arm,seq,latency_ns\n0,baseline,0,100\n0,nope,1,100\n');
    const e = await usageError(reportCommand(bad, { out: join(dir, 'x.html') }));
    expect(e.message).toBe(`${bad}:3: arm must be 'baseline' or 'candidate', got 'nope'`);
    await usageError(reportCommand(join(dir, 'missing.csv'), { out: join(dir, 'x.html') }));
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
  });

  it('bad verdict file: one line naming it', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['broken.json', '{"verdict": ', /broken\.json: not valid JSON/],
      ['array.json', '[]', /array\.json: not a hook-latency verdict: expected a JSON object/],
      ['kind.json', '{"verdict":"maybe"}', /kind\.json: not a hook-latency verdict: 'verdict' must be/],
      ['shift.json', '{"verdict":"regression","p":0.01,"threshold":{"relative":0},"shift":{"relative":0.1},"n":{"baseline":1,"candidate":1},"rounds":1}', /shift\.json: .*'shift' must have/],
    ];
    for (const [name, text, re] of cases) {
      const f = join(dir, name);
      writeFileSync(f, text);
      const e = await usageError(reportCommand(samples, { verdict: f, out: join(dir, 'y.html') }));
      expect(e.message).toMatch(re);
      expect(e.message.startsWith(f)).toBe(true);
    }
    const e = await usageError(reportCommand(samples, { verdict: join(dir, 'none.json'), out: join(dir, 'y.html') }));
    expect(e.message).toBe(`${join(dir, 'none.json')}: no such file`);
  });

  it('bad flags and an unwritable output: one line', async () => {
    await usageError(reportCommand(samples, { threshold: 'lots', out: join(dir, 'z.html') }));
    await usageError(reportCommand(samples, { verdict: join(dir, 'verdict.json'), threshold: '2%' }));
    const e = await usageError(reportCommand(samples, { out: join(dir, 'no', 'such', 'dir', 'r.html') }));
    expect(e.message).toMatch(/cannot write the report: no such directory$/);
  });

  it('writeReport writes report.html into a run directory', async () => {
    const rounds = await readSamples(samples);
    const v = await oneLookVerdict(rounds);
    const out = join(tempDir('run-out'), 'nested');
    const path = writeReport(out, rounds, v);
    expect(path).toBe(join(out, 'report.html'));
    expect(readFileSync(path, 'utf8')).toContain('<!doctype html>');
  });
});
