// The post step as the runner runs it (`node dist/cleanup.js` with STATE_* env), removing what the
// main step recorded through fake kind/kubectl/podman on PATH that log their argv; and the
// Action's ledger (state-helper) that the runtimes report to, in-process.
import { chmodSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { actionLedger, createdResources } from '../../src/action/state-helper';
import { tempDir } from '../helpers';
import { buildDist, parseFileCommand, runAction } from './runner';

let bin: string;
let log: string;

beforeAll(() => {
  buildDist();
  bin = tempDir('fake-bin');
  log = join(bin, 'calls.log');
  for (const tool of ['kind', 'kubectl', 'podman']) {
    const f = join(bin, tool);
    writeFileSync(f, `#!/bin/sh\nprintf '%s' "${tool}" >> "${log}"\nfor a in "$@"; do printf ' [%s]' "$a" >> "${log}"; done\necho >> "${log}"\n[ -n "$FAIL_${tool.toUpperCase()}" ] && { echo "boom from ${tool}" >&2; exit 1; }\nexit 0\n`);
    chmodSync(f, 0o755);
  }
});

function calls(): string[] {
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
}

function stateEnv(state: Record<string, unknown>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: `${bin}:${process.env.PATH}` };
  for (const [k, v] of Object.entries(state)) env[`STATE_${k}`] = JSON.stringify(v);
  return env;
}

describe('the post step', () => {
  afterEach(() => writeFileSync(log, ''));

  it('does nothing, successfully, when the main step never started', async () => {
    const r = await runAction('cleanup', {}, stateEnv({}));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/main step did not start/);
    expect(calls()).toEqual([]);
  });

  it('removes pods, then namespaces, then the kind cluster, with argv arrays, skipping what the cluster took along', async () => {
    const r = await runAction(
      'cleanup',
      {},
      stateEnv({
        started: true,
        kubeconfig: '/tmp/kc',
        created: [
          { kind: 'kind-cluster', name: 'hook-latency' },
          { kind: 'namespace', name: 'hook-latency-1', context: 'kind-hook-latency' },
          { kind: 'namespace', name: 'hook-latency-2', context: 'prod-east' },
          { kind: 'pod', name: 'hook-latency-2/gate-r0', context: 'prod-east' },
          { kind: 'pod', name: 'hook-latency-r1', context: 'podman' },
          { kind: 'configmap', name: 'perf/hook-latency-t1-hook', context: 'prod-east' },
        ],
      }),
    );
    expect(r.status, r.stdout).toBe(0);
    expect(calls()).toEqual([
      'podman [pod] [rm] [--force] [--ignore] [hook-latency-r1]',
      'kubectl [--kubeconfig] [/tmp/kc] [--context] [prod-east] [--namespace] [hook-latency-2] [delete] [pod] [gate-r0] [--ignore-not-found] [--wait=false] [--grace-period=0] [--force]',
      'kubectl [--kubeconfig] [/tmp/kc] [--context] [prod-east] [--namespace] [perf] [delete] [configmap] [hook-latency-t1-hook] [--ignore-not-found] [--wait=false]',
      'kubectl [--kubeconfig] [/tmp/kc] [--context] [prod-east] [delete] [namespace] [hook-latency-2] [--ignore-not-found] [--wait=false]',
      'kubectl [--kubeconfig] [/tmp/kc] [--context] [kind-hook-latency] [delete] [namespace] [hook-latency-1] [--ignore-not-found] [--wait=false]',
      'kind [delete] [cluster] [--name] [hook-latency] [--kubeconfig] [/tmp/kc]',
    ]);
    expect(r.stdout).toMatch(/cleanup: 6 of 6 removed/);
  });

  it('uses the tool a runtime recorded, refuses names that are not names, and warns (never fails) on errors', async () => {
    const r = await runAction(
      'cleanup',
      {},
      {
        ...stateEnv({
          started: true,
          tools: { kind: join(bin, 'kind') },
          created: [{ kind: 'kind-cluster', name: 'ok' }, { kind: 'namespace', name: '--all' }, { kind: 'namespace', name: 'x;rm -rf /' }],
        }),
        PATH: '/usr/bin:/bin',
        FAIL_KIND: '1',
      },
    );
    expect(r.status).toBe(0);
    expect(calls()).toEqual(['kind [delete] [cluster] [--name] [ok]']);
    const warnings = r.stdout.split('\n').filter((l) => l.startsWith('::warning::'));
    expect(warnings).toHaveLength(3);
    expect(warnings.join('\n')).toMatch(/refusing to pass the unexpected name '--all'/);
    expect(warnings.join('\n')).toMatch(/cleanup of kind-cluster ok failed: boom from kind/);
  });
});

describe('the Action\'s resource ledger (state-helper)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('saves the full list to GITHUB_STATE on every record, for the post step to read', () => {
    const dir = tempDir('state');
    const file = join(dir, 'state');
    writeFileSync(file, '');
    Object.assign(process.env, { GITHUB_ACTIONS: 'true', GITHUB_STATE: file });
    actionLedger.created({ kind: 'kind-cluster', name: 'hook-latency' });
    actionLedger.created({ kind: 'namespace', name: 'hook-latency-abc', context: 'kind-hook-latency' });
    actionLedger.created({ kind: 'namespace', name: 'hook-latency-abc', context: 'kind-hook-latency' });
    actionLedger.created({ kind: 'pod', name: 'hook-latency-abc/r0', context: 'kind-hook-latency' });
    actionLedger.removed({ kind: 'pod', name: 'hook-latency-abc/r0', context: 'kind-hook-latency' });
    const expected = [
      { kind: 'kind-cluster', name: 'hook-latency' },
      { kind: 'namespace', name: 'hook-latency-abc', context: 'kind-hook-latency' },
    ];
    expect(createdResources()).toEqual(expected);
    // The runner keeps the last value of a key.
    expect(JSON.parse(parseFileCommand(file).created)).toEqual(expected);
    actionLedger.toolUsed('kind', '/opt/kind-v0.27.0/kind');
    expect(JSON.parse(parseFileCommand(file).tools)).toEqual({ kind: '/opt/kind-v0.27.0/kind' });
    actionLedger.removed({ kind: 'kind-cluster', name: 'hook-latency' });
    actionLedger.removed({ kind: 'namespace', name: 'hook-latency-abc', context: 'kind-hook-latency' });
  });

  it('persists nothing outside Actions', () => {
    // GITHUB_STATE names a file that does not exist: any attempt to persist would throw (core's file command).
    const dir = tempDir('state');
    process.env.GITHUB_STATE = join(dir, 'state');
    delete process.env.GITHUB_ACTIONS;
    actionLedger.created({ kind: 'namespace', name: 'n1' });
    expect(createdResources()).toEqual([{ kind: 'namespace', name: 'n1' }]);
    actionLedger.removed({ kind: 'namespace', name: 'n1' });
    expect(existsSync(join(dir, 'state'))).toBe(false);
  });
});
