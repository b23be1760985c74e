// Ctrl-C in the CLI while a kind run has its cluster, namespace and pod up: the runtime's teardown
// never runs, so the CLI removes what the runtime reported to its ledger before exiting 130. kind and
// kubectl are the scripted fakes of __tests__/fakes (process boundary), the CLI is the built bundle.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDist } from '../action/runner';
import { CLI, ROOT, tempDir } from '../helpers';

const FAKES = resolve(ROOT, '__tests__/fakes');
const PENDING = JSON.stringify({ metadata: { name: 'p' }, status: { phase: 'Pending' } });

beforeAll(() => buildDist());

function calls(log: string): string[] {
  try {
    return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => {
      const c = JSON.parse(l) as { tool: string; argv: string[] };
      return `${c.tool} ${c.argv.join(' ')}`;
    });
  } catch {
    return [];
  }
}

describe('hook-latency run, interrupted', () => {
  it('SIGINT with a kind cluster, namespace and pod up: removes them (pods, namespace, cluster), exit 130', async () => {
    const dir = tempDir('interrupt');
    const log = join(dir, 'calls.jsonl');
    writeFileSync(join(dir, 'script.json'), JSON.stringify([
      { tool: 'kind', match: '^get clusters$', responses: [{ stdout: '' }] },
      { tool: 'kind', match: '^version$', responses: [{ stdout: 'kind v0.29.0 go1.24.2 linux/amd64\n' }] },
      { tool: 'kind', match: '^(create cluster|load docker-image|delete cluster)', responses: [{}] },
      { tool: 'kubectl', match: 'wait --for=condition=Ready node --all', responses: [{ stdout: 'node/hook-latency-control-plane condition met\n' }] },
      { tool: 'docker', match: '^image inspect', responses: [{ stdout: '["example.org/sut:1"]\n' }] },
      { tool: 'kubectl', match: 'get serviceaccount default', responses: [{ stdout: 'serviceaccount/default\n' }] },
      { tool: 'kubectl', match: ' apply ', responses: [{ stdout: 'serverside-applied\n' }] },
      { tool: 'kubectl', match: ' get pod \\S+ -n \\S+ -o json$', responses: [{ stdout: PENDING }] },
      { tool: 'kubectl', match: ' delete ', responses: [{ stdout: 'deleted\n' }] },
    ]));
    const config = join(dir, 'config.yml');
    writeFileSync(config, [
      'runtime: kind',
      'sut: { image: example.org/sut:1, command: [/app/sut] }',
      `hook: ${join(ROOT, 'hook/build/delay.so')}`,
      'pod-timeout: 10m',
      '',
    ].join('\n'));
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${FAKES}:${process.env.PATH}`, FAKE_LOG: log, FAKE_SCRIPT: join(dir, 'script.json') };
    delete env.GITHUB_ACTIONS;
    const child = spawn(process.execPath, [CLI, 'run', '--config', config], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    // Interrupt once the pod is applied and being watched.
    await new Promise<void>((done) => {
      const poll = setInterval(() => {
        if (calls(log).some((c) => / get pod /.test(c))) {
          clearInterval(poll);
          child.kill('SIGINT');
          done();
        }
      }, 50);
    });
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('interrupted by SIGINT');

    const all = calls(log);
    const applied = all.find((c) => / apply .*-n \S+ -f -$/.test(c));
    const [, ns] = / apply .*-n (\S+) /.exec(applied ?? '') ?? [];
    expect(ns, all.join('\n')).toMatch(/^hook-latency-/);
    const cleanup = all.slice(all.findIndex((c) => / get pod /.test(c))).filter((c) => / delete /.test(c));
    // The round in progress is salvaged first: its rows read, its pod and namespace deletes started
    // (not waited for, so they may reach the log in either order and after the teardown's own calls).
    // They stay in the ledger, which then goes in full, newest first: the pod, the run's ConfigMaps,
    // the namespace, and last the cluster this run created.
    const salvaged = [
      `kubectl --context kind-hook-latency delete namespace ${ns} --ignore-not-found --wait=false`,
      `kubectl --context kind-hook-latency delete pod ${ns}-r0 -n ${ns} --ignore-not-found --wait=false`,
    ];
    const k = `kubectl --context kind-hook-latency --namespace ${ns}`;
    const ledger = [
      `${k} delete pod ${ns}-r0 --ignore-not-found --wait=false --grace-period=0 --force`,
      ...['pin', 'hook', 'loadgen'].map((cm) => `${k} delete configmap ${ns}-${cm} --ignore-not-found --wait=false`),
      `kubectl --context kind-hook-latency delete namespace ${ns} --ignore-not-found --wait=false`,
      'kind delete cluster --name hook-latency',
    ];
    // The salvage's pod delete has its own form; of the two identical namespace deletes, the ledger's
    // is the one after its ConfigMaps.
    const salvagePod = cleanup.filter((c) => c === salvaged[1]);
    const rest = cleanup.filter((c) => c !== salvaged[1]);
    expect(salvagePod).toHaveLength(1);
    expect(rest.filter((c) => c === salvaged[0])).toHaveLength(2);
    expect(rest.filter((c) => c !== salvaged[0])).toEqual(ledger.filter((c) => c !== salvaged[0]));
    const afterConfigMaps = rest.slice(rest.lastIndexOf(ledger[3]!) + 1);
    const clusterDelete = afterConfigMaps.indexOf(ledger[5]!);
    expect(afterConfigMaps.slice(0, clusterDelete)).toContain(salvaged[0]);
  }, 60_000);
});
