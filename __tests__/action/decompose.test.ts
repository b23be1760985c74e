// The `decompose` input through the Action's real entry (`node dist/index.js`): on the local runtime
// with a real SUT and delay.so the cost section is in the job summary, the PR comment and
// verdict.json; on a runtime that cannot count calls the run still succeeds and the section says why.
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CostDecomposition } from '../../src/cost/decompose';
import type { Verdict } from '../../src/types';
import { replayFile, ROOT, tempDir } from '../helpers';
import { buildDist, fakeGitHub, pullRequestEnv, runAction } from './runner';

let aa: string;

beforeAll(async () => {
  buildDist();
  execFileSync('make', ['-s', '-C', join(ROOT, 'hook')]);
  aa = await replayFile('kindWithout', { seed: 3 }, 30);
});

/** A short decompose run of SUT on the local runtime with delay.so (20 µs per read). */
const decomposeInputs = (sut: string, token: string) => ({
  runtime: 'local',
  hook: join(ROOT, 'hook/build/delay.so'),
  'sut-command': sut,
  'sut-ready-path': '/healthz',
  'requests-per-round': '200',
  'min-rounds': '5',
  'look-every': '5',
  'max-requests': '4000',
  decompose: 'true',
  'github-token': token,
});

describe('the decompose input', () => {
  let server: Awaited<ReturnType<typeof fakeGitHub>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('local runtime: the cost section is in the summary, the PR comment and verdict.json', async () => {
    let comment = '';
    server = await fakeGitHub((req) => {
      if (req.method === 'GET') return { status: 200, body: [] };
      comment = (req.body as { body: string }).body;
      return { status: 201, body: { id: 5, html_url: 'https://github.example/octo/gate/pull/7#issuecomment-5' } };
    });
    const dir = tempDir('action-decompose');
    const r = await runAction('index', decomposeInputs(join(ROOT, 'examples/sut/build/sut'), 'ghs_x'), pullRequestEnv(dir, server.url), dir);
    expect(r.outputs.verdict, r.stdout + r.stderr).toBeDefined();
    const v = JSON.parse(readFileSync(join(r.outputs['report-path']!, 'verdict.json'), 'utf8')) as Verdict;
    const cost = v.cost as CostDecomposition;
    expect(cost.method).toBe('preload');
    // delay.so busy-waits 20 µs (its default) after each read; the SUT reads once per keep-alive request.
    const read = cost.functions.find((f) => f.name === 'read')!;
    expect(read.callsPerRequest).toBeCloseTo(1, 1);
    expect(read.perCallNs!).toBeGreaterThanOrEqual(0.8 * 20_000);
    expect(read.perCallNs!).toBeLessThanOrEqual(1.5 * 20_000);
    for (const text of [r.summary, comment]) {
      expect(text).toContain('**Where the cost is** (calls counted by counting preload, cost per call by micro benchmark)');
      expect(text).toMatch(/\| `read` \| 1\.00 \| \d+(\.\d+)? µs \(/);
      expect(text).toContain(cost.message.charAt(0).toUpperCase() + cost.message.slice(1));
    }
  });

  // The counting instance is a fourth, unmeasured SUT started after the verdict: here a SUT that
  // refuses to start when it is the counting one (it has HOOK_LATENCY_COUNT_FILE), as a static or
  // otherwise uncountable SUT fails only there.
  it('call counting fails after the verdict: the verdict stands (exit by the verdict, not 3), the cost is unavailable with the reason', async () => {
    const dir = tempDir('action-decompose-fail');
    const wrapper = join(dir, 'sut.sh');
    writeFileSync(wrapper, `#!/bin/sh\nif [ -n "$HOOK_LATENCY_COUNT_FILE" ]; then echo "no counting here" >&2; exit 7; fi\nexec ${join(ROOT, 'examples/sut/build/sut')} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const r = await runAction('index', decomposeInputs(wrapper, ''), {}, dir);
    // delay.so adds 20 µs to every read: a regression, and the step fails for that reason alone.
    expect(r.outputs.verdict, r.stdout + r.stderr).toBe('regression');
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('::error'))[0]).toMatch(/^::error::hook latency: regression: /);
    const v = JSON.parse(readFileSync(join(r.outputs['report-path']!, 'verdict.json'), 'utf8')) as Verdict;
    expect(v.verdict).toBe('regression');
    expect(v.calls).toEqual({ unavailable: expect.stringMatching(/^counting calls per request failed: SUT \(counting\) exited with code 7 at start: no counting here/) });
    expect(v.cost).toEqual(v.calls);
    expect(r.summary).toContain('**Where the cost is**: not decomposed (counting calls per request failed: SUT (counting) exited with code 7');
  });

  it('a runtime that cannot count calls: the run succeeds and the section says why', async () => {
    const r = await runAction('index', { runtime: 'replay', replay: aa, decompose: 'true', 'github-token': '' });
    expect(r.status, r.stdout).toBe(0);
    expect(r.outputs.verdict).toBe('no-regression');
    expect(r.summary).toContain('**Where the cost is**: not decomposed (the replay runtime does not count calls per request).');
    const v = JSON.parse(readFileSync(join(r.outputs['report-path']!, 'verdict.json'), 'utf8')) as Verdict;
    expect(v.cost).toEqual({ unavailable: 'the replay runtime does not count calls per request' });
  });
});
