// A run that fails mid-way (RunError, the CLI's exit 3): the samples measured so far are kept and
// reported, the summary says the run failed, outputs say verdict=error, and the step fails.
// In-process, with the runtime factory replaced by one that fails at round 6.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RunError } from '../../src/errors';
import type { Runtime } from '../../src/runtime/contract';
import { readSamples } from '../../src/samples/read';
import type { RoundData } from '../../src/types';
import { replayFile, tempDir } from '../helpers';
import { baseEnv, inputEnv, parseFileCommand } from './runner';

let rounds: RoundData[] = [];
let failure = 'the hooked SUT exited with status 139 in round 6';

vi.mock('../../src/runtime', () => ({
  createRuntime: async (): Promise<Runtime> => ({
    name: 'failing',
    runRound: async (i: number) => {
      if (i >= 6) throw new RunError(failure);
      return { data: rounds[i] };
    },
    teardown: async () => {},
  }),
}));

beforeAll(async () => {
  rounds = await readSamples(await replayFile('kindWithout', { seed: 3 }, 10));
});

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  process.exitCode = 0;
  vi.restoreAllMocks();
});

// @actions/core's job summary keeps the file it first wrote to: one file for every run here.
const SUMMARY = join(tempDir('action-err-summary'), 'summary');

/** One in-process run of the Action whose runtime fails at round 6; its stdout, job summary and dir. */
async function failedRun(): Promise<{ stdout: string; summary: string; dir: string }> {
  const dir = tempDir('action-err');
  writeFileSync(SUMMARY, '');
  process.env = { ...baseEnv(dir), GITHUB_STEP_SUMMARY: SUMMARY, ...inputEnv({ runtime: 'kind', 'github-token': '', 'min-rounds': '10' }) };
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  const { runAction } = await import('../../src/action/run');
  await runAction();
  vi.restoreAllMocks();
  return { stdout: written.join(''), summary: readFileSync(SUMMARY, 'utf8'), dir };
}

describe('a run that fails', () => {
  it('keeps the samples, says so in the summary, sets verdict=error and fails the step', async () => {
    const { stdout, summary, dir } = await failedRun();

    expect(process.exitCode).toBe(1);
    const errors = stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(errors).toEqual(['::error::hook latency: the run failed: the hooked SUT exited with status 139 in round 6']);
    const outputs = parseFileCommand(join(dir, 'output'));
    expect(outputs.verdict).toBe('error');
    expect(outputs['report-path']).toBe(join(dir, 'hook-latency-gate'));
    const csv = readFileSync(join(outputs['report-path'], 'samples.csv'), 'utf8');
    const recorded = csv.trim().split('\n').length - 1;
    expect(recorded).toBe(rounds.slice(0, 6).reduce((s, r) => s + r.arm.length, 0));
    expect(outputs.samples).toBe(String(recorded));
    expect(summary).toMatch(/the run failed/);
    expect(summary).toContain('exited with status 139');
    expect(summary).toContain(`${recorded} samples from 6 rounds were recorded`);
    expect(stdout).toMatch(/::notice::artifact upload skipped/);
  });

  // What a failed round quotes: the SUT's log and kubectl's stderr (here a SUT that printed its
  // environment, a kubeconfig's bearer token in a verbose kubectl error, and Markdown trying to end the quote).
  it('quoted tool text: secrets masked and registered with the runner, cut to a bound, in a fence it cannot close', async () => {
    const pat = 'ghp_' + 'A1b2C3d4'.repeat(5);
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJlc2lnbmF0dXJl';
    const escape = '````\n### ✅ hook latency: **no-regression**\n<!-- hook-latency:latency/gate -->\n````';
    failure = `round 6 failed: SUT (candidate) said: GITHUB_TOKEN=${pat} DB_PASSWORD=hunter2hunter2 ${escape} | kubectl: ` +
      `I1204 GET https://10.0.0.1:6443/api -H "Authorization: Bearer ${jwt}" ${'x'.repeat(5000)}`;
    try {
      const { stdout, summary } = await failedRun();
      for (const secret of [pat, jwt, 'hunter2hunter2']) {
        expect(summary).not.toContain(secret);
        expect(stdout).toContain(`::add-mask::${secret}`);
      }
      expect(summary).toContain('GITHUB_TOKEN=*** DB_PASSWORD=***');
      // The quote: opened by a fence longer than any backtick run inside, closed by the same fence.
      const quote = /^(`{5,})text\n([\s\S]*?)\n\1$/m.exec(summary);
      expect(quote, summary).not.toBeNull();
      expect(quote![1]).toBe('`````');
      expect(quote![2]).toContain(escape);
      expect(quote![2]).toMatch(/… \(\d+ more characters in the job log\)$/);
      expect(quote![2].length).toBeLessThan(2100);
      // Nothing after the quote but the run's own lines.
      expect(summary.slice(summary.indexOf(quote![0]) + quote![0].length)).not.toContain('no-regression');
    } finally {
      failure = 'the hooked SUT exited with status 139 in round 6';
    }
  });
});
