// kind and kubernetes runtimes at the process boundary: fake `kind` and `kubectl` (node scripts in
// __tests__/fakes, first on PATH) record every argv (+ stdin) and answer from a per-test script.
// Asserted: the exact invocations, cleanup on every path, and the error shown.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildConfig, type RawConfig } from '../../src/config';
import { RoundFailedError, RunError } from '../../src/errors';
import { KindRuntime } from '../../src/runtime/kind';
import { KubernetesRuntime } from '../../src/runtime/kubernetes';
import { formatSamplesCsv } from '../../src/loadgen/csv';
import type { Sample } from '../../src/types';

const ROOT = resolve(__dirname, '../..');
const FAKES = resolve(ROOT, '__tests__/fakes');
const NS = 'hook-latency-t1';
const POD = 'hook-latency-t1-r0';
const CTX = ['--context', 'kind-hook-latency'];

interface Rule {
  tool: 'kind' | 'kubectl';
  match: string;
  responses: { stdout?: string; stderr?: string; code?: number }[];
}
interface Call {
  tool: string;
  argv: string[];
  stdin: string;
}

let dir: string;
let savedEnv: NodeJS.ProcessEnv;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hook-latency-fakes-'));
  savedEnv = { ...process.env };
  process.env.PATH = `${FAKES}:${process.env.PATH}`;
  process.env.FAKE_LOG = join(dir, 'calls.jsonl');
  process.env.FAKE_SCRIPT = join(dir, 'script.json');
  delete process.env.GITHUB_ACTIONS;
});
afterEach(() => {
  process.env = savedEnv;
  rmSync(dir, { recursive: true, force: true });
});

function script(rules: Rule[]): void {
  writeFileSync(join(dir, 'script.json'), JSON.stringify(rules));
}
function calls(): Call[] {
  try {
    return readFileSync(join(dir, 'calls.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Call);
  } catch {
    return [];
  }
}
const lines = () => calls().map((c) => `${c.tool} ${c.argv.join(' ')}`);

function config(extra: RawConfig = {}) {
  return buildConfig({
    runtime: 'kind',
    sut: { image: 'example.org/sut:1', command: ['/app/sut'], 'ready-path': '/healthz' },
    hook: resolve(ROOT, 'hook/build/delay.so'),
    'requests-per-round': 20,
    'warmup-requests': 0,
    'pod-timeout': '10s', // generous: each fake kubectl call is a node process, slow on a busy machine
    seed: 1,
    ...extra,
  });
}

const csv = (() => {
  const rows: Sample[] = [];
  for (let i = 0; i < 20; i++) rows.push({ round: 0, arm: i % 2 ? 'candidate' : 'baseline', seq: i, latencyNs: 40_000 + i * 100, startNs: i * 1e5, status: 200 });
  return formatSamplesCsv(rows) + 'loadgen: done 20 samples, 0 errors\n';
})();

function podJson(status: Record<string, unknown>, containerStatuses: unknown[]): string {
  return JSON.stringify({
    metadata: { name: POD, namespace: NS },
    spec: { nodeName: 'kind-control-plane', containers: [{ name: 'sut-baseline', image: 'example.org/sut:1' }, { name: 'sut-candidate', image: 'example.org/sut:1' }, { name: 'loadgen', image: 'docker.io/library/node:24-alpine' }] },
    status: { ...status, containerStatuses },
  });
}
const running = (name: string) => ({ name, state: { running: { startedAt: 'x' } } });
const PENDING = podJson({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu.' }] }, []);
const DONE = podJson({ phase: 'Running' }, [running('sut-baseline'), running('sut-candidate'), { name: 'loadgen', state: { terminated: { exitCode: 0, reason: 'Completed' } } }]);
const EVENTS = 'LAST SEEN   TYPE      REASON             OBJECT                  MESSAGE\n3s          Warning   FailedScheduling   pod/hook-latency-t1-r0   0/1 nodes are available: 1 Insufficient cpu.\n';
const MAPS = '7f0000000000-7f0000001000 r-xp 00000000 00:2a 12 /hook-latency/hook/..2025_01_01_00_00_00.1/delay.so\n7f0000002000-7f0000003000 r-xp 00000000 08:01 99 /lib/x86_64-linux-gnu/libc.so.6\n';

const KIND_OK: Rule[] = [
  { tool: 'kind', match: '^get clusters$', responses: [{ stdout: '' }] },
  { tool: 'kind', match: '^create cluster', responses: [{ stderr: 'Creating cluster "hook-latency" ...\n' }] },
  { tool: 'kind', match: '^load docker-image', responses: [{}] },
  { tool: 'kind', match: '^delete cluster', responses: [{ stderr: 'Deleting cluster "hook-latency" ...\n' }] },
];
function kubectlOk(getPod: Rule['responses'] = [{ stdout: PENDING }, { stdout: DONE }]): Rule[] {
  return [
    { tool: 'kubectl', match: 'apply -f -$', responses: [{ stdout: `namespace/${NS} created\n` }] },
    { tool: 'kubectl', match: `apply -n ${NS} -f -`, responses: [{ stdout: 'pod created\n' }] },
    { tool: 'kubectl', match: `get pod ${POD} -n ${NS} -o json`, responses: getPod },
    { tool: 'kubectl', match: `logs ${POD} -n ${NS} -c loadgen`, responses: [{ stdout: csv }] },
    { tool: 'kubectl', match: 'exec .* -c sut-candidate -- cat /proc/1/maps', responses: [{ stdout: MAPS }] },
    { tool: 'kubectl', match: 'cat /sys/fs/cgroup/cpu.stat', responses: [{ stdout: 'nr_periods 0\nnr_throttled 0\nthrottled_usec 0\n' }] },
    { tool: 'kubectl', match: `get namespace ${NS} -o json`, responses: [{ stdout: JSON.stringify({ metadata: { name: NS, labels: {} } }) }] },
    { tool: 'kubectl', match: 'get pods -A --field-selector spec.nodeName=kind-control-plane -o json', responses: [{ stdout: JSON.stringify({ items: [{ metadata: { name: 'coredns', namespace: 'kube-system' }, status: { phase: 'Running' } }] }) }] },
    { tool: 'kubectl', match: `get events -n ${NS}`, responses: [{ stdout: EVENTS }] },
    { tool: 'kubectl', match: `delete pod ${POD}`, responses: [{ stdout: 'pod deleted\n' }] },
    { tool: 'kubectl', match: `delete namespace ${NS}`, responses: [{ stdout: 'namespace deleted\n' }] },
  ];
}

const K = (s: string) => `kubectl ${CTX.join(' ')} ${s}`;
const SETUP = ['kind get clusters', 'kind create cluster --name hook-latency --wait 120s', 'kind load docker-image example.org/sut:1 --name hook-latency', K('apply -f -')];
const CLEANUP = [K(`delete pod ${POD} -n ${NS} --ignore-not-found --timeout=90s`), K(`delete namespace ${NS} --ignore-not-found --wait=false`), 'kind delete cluster --name hook-latency'];
const opts = { runId: 't1', pollMs: 1, backoffMs: 1 };

async function runOnce(rt: { runRound(i: number): Promise<unknown>; teardown(): Promise<void> }): Promise<unknown> {
  try {
    return await rt.runRound(0);
  } finally {
    await rt.teardown();
  }
}

describe('kind runtime (fake kind + kubectl)', () => {
  it('success: creates the cluster, applies, waits, reads the CSV, proves the hook, deletes everything', async () => {
    script([...KIND_OK, ...kubectlOk()]);
    const out = (await runOnce(new KindRuntime(config(), opts))) as { data: { arm: Uint8Array; latencyNs: Float64Array }; checks: { id: string; status: string }[] };
    expect(lines()).toEqual([
      ...SETUP,
      K(`apply -n ${NS} -f -`),
      K(`get pod ${POD} -n ${NS} -o json`),
      K(`get pod ${POD} -n ${NS} -o json`),
      K(`logs ${POD} -n ${NS} -c loadgen`),
      K(`exec ${POD} -n ${NS} -c sut-candidate -- cat /proc/1/maps`),
      K(`exec ${POD} -n ${NS} -c sut-baseline -- cat /sys/fs/cgroup/cpu.stat`),
      K(`exec ${POD} -n ${NS} -c sut-candidate -- cat /sys/fs/cgroup/cpu.stat`),
      K(`get namespace ${NS} -o json`),
      K('get pods -A --field-selector spec.nodeName=kind-control-plane -o json'),
      ...CLEANUP,
    ]);
    expect(out.data.arm.length).toBe(20);
    expect(out.data.latencyNs[19]).toBe(41_900);
    expect(Object.fromEntries(out.checks.map((c) => [c.id, c.status]))).toEqual({
      'same-pod': 'pass', 'cpu-throttling': 'pass', 'service-mesh': 'pass', 'node-tenancy': 'pass',
    });
    // What was applied: the namespace, then the ConfigMaps (loadgen, hook, pin wrapper) + Pod of the shared manifest.
    const applied = calls().filter((c) => c.argv.includes('apply'));
    expect(parseAllDocuments(applied[0].stdin).map((d) => d.toJS().kind)).toEqual(['Namespace']);
    const docs = parseAllDocuments(applied[1].stdin).map((d) => d.toJS());
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'ConfigMap', 'ConfigMap', 'Pod']);
    expect(docs[3].metadata.namespace).toBe(NS);
    expect(docs[1].binaryData['delay.so']).toBe(readFileSync(resolve(ROOT, 'hook/build/delay.so')).toString('base64'));
    expect(docs[2].binaryData.pin).toBe(readFileSync(resolve(ROOT, 'hook/build/pin')).toString('base64'));
    // The default placement: every container's command starts with the pin wrapper, last allowed CPU.
    for (const c of docs[3].spec.containers) expect(c.command.slice(0, 3)).toEqual(['/hook-latency/pin/pin', '@-1', '--']);
  });

  it('kind create cluster fails: a clear error, and the half-made cluster is deleted', async () => {
    script([{ tool: 'kind', match: '^create cluster', responses: [{ code: 1, stderr: 'ERROR: failed to create cluster: node(s) already exist for a cluster with the name "hook-latency"\n' }] }, ...KIND_OK]);
    const err = await runOnce(new KindRuntime(config(), opts)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as Error).message).toMatch(/^kind create cluster hook-latency failed: ERROR: failed to create cluster: node\(s\) already exist/);
    expect(lines()).toEqual(['kind get clusters', 'kind create cluster --name hook-latency --wait 120s', 'kind delete cluster --name hook-latency']);
  });

  it('reuses an existing cluster and never deletes it', async () => {
    script([{ tool: 'kind', match: '^get clusters$', responses: [{ stdout: 'other\nhook-latency\n' }] }, ...KIND_OK, ...kubectlOk([{ stdout: DONE }])]);
    await runOnce(new KindRuntime(config(), opts));
    const l = lines();
    expect(l.slice(0, 2)).toEqual(['kind get clusters', 'kind load docker-image example.org/sut:1 --name hook-latency']);
    expect(l.some((x) => x.includes('create cluster') || x.includes('delete cluster'))).toBe(false);
    expect(l.slice(-2)).toEqual(CLEANUP.slice(0, 2));
  });

  it('apply rejected: the API message, then pod, namespace and cluster are deleted', async () => {
    script([{ tool: 'kubectl', match: `apply -n ${NS}`, responses: [{ code: 1, stderr: 'The Pod "hook-latency-t1-r0" is invalid: spec.containers[0].image: Required value\n' }] }, ...KIND_OK, ...kubectlOk()]);
    const err = await runOnce(new KindRuntime(config(), opts)).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`applying pod ${NS}/${POD} failed: The Pod "hook-latency-t1-r0" is invalid: spec.containers[0].image: Required value`);
    expect(lines()).toEqual([...SETUP, K(`apply -n ${NS} -f -`), ...CLEANUP]);
  });

  it('pod stuck Pending: times out with the scheduling reason and the pod events', async () => {
    script([...KIND_OK, ...kubectlOk([{ stdout: PENDING }])]);
    // 2 s, not the 300 ms default here: each fake kubectl call is a node process, and under load one
    // call alone can outlast 300 ms, leaving a single poll.
    const err = await runOnce(new KindRuntime(config({ 'pod-timeout': '2s' }), opts)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    const msg = (err as Error).message;
    expect(msg).toContain('round 0: pod still Pending after 2 s (pod-timeout): Unschedulable 0/1 nodes are available: 1 Insufficient cpu.');
    expect(msg).toContain(`pod ${NS}/${POD} events:\n${EVENTS.trim()}`);
    const l = lines();
    expect(l.filter((x) => x.includes('get pod ')).length).toBeGreaterThan(1);
    expect(l.slice(-4)).toEqual([K(`get events -n ${NS} --field-selector involvedObject.name=${POD}`), ...CLEANUP]);
  });

  it('ErrImagePull: names the image and the container, with events', async () => {
    const pull = podJson({ phase: 'Pending' }, [
      { name: 'sut-baseline', state: { waiting: { reason: 'ErrImagePull', message: 'rpc error: pull access denied for example.org/sut' } } },
      { name: 'sut-candidate', state: { waiting: { reason: 'ContainerCreating' } } },
    ]);
    script([...KIND_OK, ...kubectlOk([{ stdout: pull }])]);
    const err = await runOnce(new KindRuntime(config(), opts)).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^round 0: image example\.org\/sut:1 of container sut-baseline cannot be pulled \(ErrImagePull: rpc error: pull access denied for example\.org\/sut\)\npod hook-latency-t1\/hook-latency-t1-r0 events:\nLAST SEEN/);
    expect(lines().slice(-3)).toEqual(CLEANUP);
  });

  it('OOMKilled SUT: a RoundFailedError keeping the samples the loadgen wrote', async () => {
    const oom = podJson({ phase: 'Running' }, [running('sut-baseline'), { name: 'sut-candidate', state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }, running('loadgen')]);
    script([...KIND_OK, ...kubectlOk([{ stdout: oom }])]);
    const err = await runOnce(new KindRuntime(config({ memory: '16Mi', cpu: '1' }), opts)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RoundFailedError);
    expect((err as Error).message).toMatch(/^round 0: sut-candidate was OOMKilled \(memory limit 16Mi\): raise memory\npod .* events:/);
    expect((err as RoundFailedError).partial?.arm.length).toBe(20);
    expect(lines().slice(-3)).toEqual(CLEANUP);
    const pod = parseAllDocuments(calls().find((c) => c.argv.includes(NS) && c.argv.includes('apply'))!.stdin).map((d) => d.toJS()).find((d) => d.kind === 'Pod');
    expect(pod.spec.containers[1].resources).toEqual({ requests: { cpu: '1', memory: '16Mi' }, limits: { cpu: '1', memory: '16Mi' } });
  });

  it('transient API errors are retried with backoff, then the round succeeds', async () => {
    script([
      ...KIND_OK,
      ...kubectlOk([
        { code: 1, stderr: 'Unable to connect to the server: net/http: TLS handshake timeout\n' },
        { code: 1, stderr: 'Error from server: etcdserver: request timed out\n' },
        { stdout: DONE },
      ]),
    ]);
    const out = (await runOnce(new KindRuntime(config(), opts))) as { data: { arm: Uint8Array } };
    expect(out.data.arm.length).toBe(20);
    expect(lines().filter((x) => x.includes(`get pod ${POD}`)).length).toBe(3);
  });

  it('large rounds: the CSV comes from the emptyDir by kubectl exec cat, not from the log', async () => {
    script([
      { tool: 'kubectl', match: `logs ${POD} -n ${NS} -c loadgen`, responses: [{ stdout: 'loadgen: done 20 samples, 0 errors\n' }] },
      { tool: 'kubectl', match: `exec ${POD} -n ${NS} -c sut-baseline -- cat /hook-latency/out/samples.csv`, responses: [{ stdout: csv }] },
      ...KIND_OK,
      ...kubectlOk([{ stdout: DONE }]),
    ]);
    const out = (await runOnce(new KindRuntime(config(), { ...opts, fileOutputRows: 10 }))) as { data: { arm: Uint8Array } };
    expect(out.data.arm.length).toBe(20);
    const l = lines();
    const i = l.indexOf(K(`logs ${POD} -n ${NS} -c loadgen`));
    expect(l.slice(i, i + 3)).toEqual([
      K(`logs ${POD} -n ${NS} -c loadgen`),
      K(`exec ${POD} -n ${NS} -c sut-candidate -- cat /proc/1/maps`),
      K(`exec ${POD} -n ${NS} -c sut-baseline -- cat /hook-latency/out/samples.csv`),
    ]);
    const pod = parseAllDocuments(calls().find((c) => c.argv.includes(NS) && c.argv.includes('apply'))!.stdin).map((d) => d.toJS()).find((d) => d.kind === 'Pod');
    expect(JSON.parse(pod.spec.containers[2].env[0].value).out).toBe('/hook-latency/out/samples.csv');
  });

  it('the hook not mapped: "hook was not loaded" with the SUT log', async () => {
    script([
      { tool: 'kubectl', match: 'cat /proc/1/maps', responses: [{ stdout: '7f00-7f01 r-xp 0 0:0 1 /lib/x86_64-linux-gnu/libc.so.6\n' }] },
      { tool: 'kubectl', match: `logs ${POD} -n ${NS} -c sut-candidate`, responses: [{ stdout: "ERROR: ld.so: object '/hook-latency/hook/delay.so' from LD_PRELOAD cannot be preloaded (wrong ELF class: ELFCLASS32): ignored.\nlistening on 127.0.0.1:8081\n" }] },
      ...KIND_OK,
      ...kubectlOk([{ stdout: DONE }]),
    ]);
    const err = await runOnce(new KindRuntime(config(), opts)).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^hook was not loaded: \/hook-latency\/hook\/delay\.so is not mapped in sut-candidate .*cannot be preloaded/);
    expect(lines().slice(-3)).toEqual(CLEANUP);
  });
});

describe('kubernetes runtime (fake kubectl)', () => {
  it('given namespace and kubeconfig: no namespace created or deleted; ConfigMaps removed by label', async () => {
    script(kubectlOk([{ stdout: DONE }]).map((r) => ({ ...r, match: r.match.replaceAll(`-n ${NS}`, '-n perf').replaceAll(`namespace ${NS}`, 'namespace perf') })));
    const rt = new KubernetesRuntime(config({ runtime: 'kubernetes', namespace: 'perf', kubeconfig: '/tmp/kc', 'kube-context': 'prod' }), opts);
    await runOnce(rt);
    const pre = 'kubectl --kubeconfig /tmp/kc --context prod';
    const l = lines();
    expect(l[0]).toBe(`${pre} apply -n perf -f -`);
    expect(l.some((x) => x.includes('namespace perf') && x.includes('delete'))).toBe(false);
    expect(l.slice(-2)).toEqual([`${pre} delete pod ${POD} -n perf --ignore-not-found --timeout=90s`, `${pre} delete configmap -n perf -l hook-latency/run=t1 --ignore-not-found`]);
  });

  it('needs sut.image', async () => {
    script([]);
    const rt = new KubernetesRuntime(config({ runtime: 'kubernetes', sut: { command: ['/app/sut'] } }), opts);
    await expect(runOnce(rt)).rejects.toThrow('runtime kubernetes needs sut.image');
    expect(lines()).toEqual([]);
  });
});
