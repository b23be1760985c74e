// The history inputs: defaults, and one clear line for each bad value.
import { describe, expect, it } from 'vitest';
import { readHistoryInputs } from '../../src/action/history';
import { UsageError } from '../../src/errors';

const read = (given: Record<string, string>, env: NodeJS.ProcessEnv = { GITHUB_JOB: 'latency' }) => readHistoryInputs((name) => given[name] ?? '', env);

describe('history inputs', () => {
  it('defaults: off, hook-latency-data, the job id, 20', () => {
    expect(read({})).toEqual({ enabled: false, branch: 'hook-latency-data', gate: 'latency', length: 20 });
    expect(read({}, {}).gate).toBe('hook-latency');
    expect(read({ history: 'on', 'history-branch': 'perf/history', 'history-name': 'cumulative-v1.0.0', 'history-length': '50' })).toEqual({
      enabled: true,
      branch: 'perf/history',
      gate: 'cumulative-v1.0.0',
      length: 50,
    });
    expect(read({ history: 'true' }).enabled).toBe(true);
  });

  it.each([
    [{ history: 'yes' }, "history must be on or off, got 'yes'"],
    [{ 'history-branch': 'a..b' }, "history-branch must be a branch name, got 'a..b'"],
    [{ 'history-branch': '/main' }, "history-branch must be a branch name, got '/main'"],
    [{ 'history-branch': 'data.' }, "history-branch must be a branch name, got 'data.'"],
    [{ 'history-name': '../etc' }, "history-name must be letters, digits, '.', '_' or '-' (a file name), got '../etc'"],
    [{ 'history-name': '.hidden' }, "history-name must be letters, digits, '.', '_' or '-' (a file name), got '.hidden'"],
    [{ 'history-length': '0' }, "history-length must be an integer >= 1, got '0'"],
    [{ 'history-length': '2.5' }, "history-length must be an integer >= 1, got '2.5'"],
  ])('%o: %s', (given, message) => {
    expect(() => read(given)).toThrow(UsageError);
    expect(() => read(given)).toThrow(message);
  });
});
