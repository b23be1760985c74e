// A run that fails mid-way (RunError, the CLI's exit 3): the samples measured so far are kept and
// reported, the summary says the run failed, outputs say verdict=error, and the step fails.
// In-process, with the runtime factory replaced by one that fails at round 6.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RunError } from '../../src/errors';
import type { Runtime } from '../../src/experiment/runtime';
import { readSamples } from '../../src/samples/read';
import type { RoundData } from '../../src/types';
import { replayFile, tempDir } from '../helpers';
import { baseEnv, inputEnv, parseFileCommand } from './runner';

let rounds: RoundData[] = [];

vi.mock('../../src/runtimes', () => ({
  createRuntime: async (): Promise<Runtime> => ({
    name: 'failing',
    runRound: async (i: number) => {
      if (i >= 6) throw new RunError('the hooked SUT exited with status 139 in round 6');
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

describe('a run that fails', () => {
  it('keeps the samples, says so in the summary, sets verdict=error and fails the step', async () => {
    const dir = tempDir('action-err');
    process.env = { ...baseEnv(dir), ...inputEnv({ runtime: 'kind', 'github-token': '', 'min-rounds': '10' }) };
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const { runAction } = await import('../../src/action/run');
    await runAction();
    vi.restoreAllMocks();
    const stdout = written.join('');

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
    const summary = readFileSync(join(dir, 'summary'), 'utf8');
    expect(summary).toMatch(/the run failed/);
    expect(summary).toContain('exited with status 139');
    expect(summary).toContain(`${recorded} samples from 6 rounds were recorded`);
    expect(stdout).toMatch(/::notice::artifact upload skipped/);
  });
});
