// The history inputs (defaults, one clear line for each bad value) and which events write.
import { describe, expect, it } from 'vitest';
import { historyRole, readHistoryInputs } from '../../src/action/history';
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

describe('which events append and which only read', () => {
  const repository = { default_branch: 'main' };
  it.each([
    ['push', 'refs/heads/main', { repository }, { kind: 'write', branch: 'main' }],
    ['workflow_dispatch', 'refs/heads/main', { repository }, { kind: 'write', branch: 'main' }],
    ['schedule', 'refs/heads/main', { schedule: '0 3 * * *' }, { kind: 'write', branch: 'main' }],
    ['push', 'refs/heads/feature', { repository }, { kind: 'read', base: 'main' }],
    ['push', 'refs/tags/v1.0.0', { repository }, { kind: 'read', base: 'main' }],
    ['workflow_dispatch', 'refs/heads/feature', { repository }, { kind: 'read', base: 'main' }],
    ['pull_request', 'refs/pull/7/merge', { pull_request: { number: 7, base: { ref: 'release-2' } }, repository }, { kind: 'read', base: 'release-2' }],
  ])('%s on %s', (eventName, ref, payload, role) => {
    expect(historyRole({ eventName, ref, payload })).toEqual(role);
  });
});
