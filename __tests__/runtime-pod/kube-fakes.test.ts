// kind and kubernetes runtimes at the process boundary: fake `kind` and `kubectl` (node scripts in
// __tests__/fakes, first on PATH) record every argv (+ stdin) and answer from a per-test script.
// Asserted: the exact invocations, cleanup on every path, and the error shown.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildConfig, type RawConfig } from '../../src/config';
import { RoundFailedError, RunError, UsageError } from '../../src/errors';
import { KindRuntime } from '../../src/runtime/kind';
import { ResourceList } from '../../src/experiment/resource-list';
import { KubernetesRuntime } from '../../src/runtime/kubernetes/kubernetes';
import { clusterPinArch } from '../../src/runtime/pod/pin-arch';
import { SNAPSHOT_SCRIPT } from '../../src/runtime/pod/listener';
import { formatSamplesCsv } from '../../src/loadgen/csv';
import type { Sample } from '../../src/types';
import { apiLimitProblems } from './api-limits';
import { HOOK_PART_BYTES } from '../../src/runtime/pod/manifest';
import { arm64Hook } from '../helpers';
import { CROSS_COMPILER, needs } from '../needs';

const ROOT = resolve(__dirname, '../..');
const FAKES = resolve(ROOT, '__tests__/fakes');
const NS = 'hook-latency-t1';
const POD = 'hook-latency-t1-r0';
const CTX = ['--context', 'kind-hook-latency'];

interface Rule {
  tool: 'kind' | 'kubectl' | 'docker' | 'podman';
  match: string;
  responses: { stdout?: string; stderr?: string; code?: number; sleepMs?: number }[];
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
/** The Pod the runtime applied (the last applied document that is a Pod). */
function appliedPod() {
  const docs = calls().filter((c) => c.argv.includes('apply')).flatMap((c) => parseAllDocuments(c.stdin).map((d) => d.toJS()));
  return docs.filter((d) => d.kind === 'Pod').at(-1);
}

function config(extra: RawConfig = {}) {
  return buildConfig({
    runtime: 'kind',
    sut: { image: 'example.org/sut:1', command: ['/app/sut'], 'ready-path': '/healthz' },
    hook: resolve(ROOT, 'hook/build/delay.so'),
    'requests-per-round': 20,
    'warmup-requests': 0,
    'pod-timeout': '30s', // never reached: every test scripts the pod's end (the Pending test sets its own)
    // Round 0's coin starts the baseline first, so the candidate gets 8081: the port the captured
    // SNAPSHOT below listens on.
    seed: 2,
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
    spec: { nodeName: 'kind-control-plane', containers: [{ name: 'sut-baseline', image: 'example.org/sut:1' }, { name: 'sut-candidate', image: 'example.org/sut:1' }, { name: 'loadgen', image: 'example.org/sut:1' }] },
    status: { ...status, containerStatuses },
  });
}
const running = (name: string) => ({ name, state: { running: { startedAt: 'x' } } });
// Pod status as kubectl 1.32 prints it (-o json), trimmed to the fields read; messages as the
// scheduler and kubelet write them (kube-scheduler 1.33, kubelet status_manager).
const UNSCHEDULABLE = podJson({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.' }] }, []);
const creating = (name: string) => ({ name, state: { waiting: { reason: 'ContainerCreating' } } });
const PENDING = podJson(
  { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [sut-baseline sut-candidate loadgen]' }] },
  [creating('sut-baseline'), creating('sut-candidate'), creating('loadgen')],
);
// A kind node on a 2-vCPU runner (kind v0.29.0, kindest/node v1.33.1) and the pods on it with their
// CPU requests: kubeadm's static pods (apiserver 250m, controller-manager 200m, scheduler 100m,
// etcd 100m), CoreDNS 2 x 100m, kindnet 100m: 950m. Trimmed to the fields read.
const KIND_NODES = JSON.stringify({
  kind: 'List',
  items: [{
    metadata: { name: 'kind-control-plane' },
    spec: { podCIDR: '10.244.0.0/24', providerID: 'kind://docker/hook-latency/kind-control-plane' },
    status: { allocatable: { cpu: '2', 'ephemeral-storage': '76026616Ki', memory: '8129852Ki', pods: '110' }, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }] },
  }],
});
const sysPod = (name: string, cpu?: string) => ({
  metadata: { name, namespace: 'kube-system' },
  spec: { nodeName: 'kind-control-plane', containers: [{ name: name.split('-')[0], ...(cpu ? { resources: { requests: { cpu } } } : {}) }] },
  status: { phase: 'Running' },
});
const KIND_PODS = JSON.stringify({
  kind: 'List',
  items: [
    sysPod('coredns-674b8bbfcf-8xk2p', '100m'), sysPod('coredns-674b8bbfcf-qv7lj', '100m'), sysPod('etcd-kind-control-plane', '100m'),
    sysPod('kindnet-5wz7d', '100m'), sysPod('kube-apiserver-kind-control-plane', '250m'), sysPod('kube-controller-manager-kind-control-plane', '200m'),
    sysPod('kube-proxy-7h9cm'), sysPod('kube-scheduler-kind-control-plane', '100m'),
  ],
});
const PULLED: Rule = {
  tool: 'kubectl',
  match: 'get pod hook-latency-t1-pull ',
  responses: [{ stdout: JSON.stringify({ metadata: { name: 'hook-latency-t1-pull' }, status: { phase: 'Succeeded', containerStatuses: [{ name: 'sut', state: { terminated: { exitCode: 0, reason: 'Completed' } } }, { name: 'loadgen', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] } }) }],
};
const NODE_RULES: Rule[] = [
  { tool: 'kubectl', match: 'get nodes -o json$', responses: [{ stdout: KIND_NODES }] },
  { tool: 'kubectl', match: 'get pods -A --field-selector status.phase!=Succeeded,status.phase!=Failed -o json$', responses: [{ stdout: KIND_PODS }] },
];
const DONE = podJson({ phase: 'Running' }, [running('sut-baseline'), running('sut-candidate'), { name: 'loadgen', state: { terminated: { exitCode: 0, reason: 'Completed' } } }]);
const EVENTS = 'LAST SEEN   TYPE      REASON             OBJECT                  MESSAGE\n3s          Warning   FailedScheduling   pod/hook-latency-t1-r0   0/1 nodes are available: 1 Insufficient cpu.\n';
// What `kubectl exec ... -- sh -c SNAPSHOT_SCRIPT` prints: captured for real from a container whose
// PID 1 is catatonit and whose SUT (pid 6) listens on 127.0.0.1:8081 with noop.so preloaded
// (podman 4.3.1, Linux 6.x, /proc/net/tcp as in proc(5)); the mapped path is put where a
// Kubernetes ConfigMap mount has it (kubelet's ..<timestamp> directory) and named delay.so.
const SNAPSHOT = readFileSync(resolve(__dirname, 'fixtures/snapshot-catatonit.txt'), 'utf8').replaceAll(
  '/hook-latency/hook/noop.so',
  '/hook-latency/hook/..2025_01_01_00_00_00.1/delay.so',
);
const PROVE = `exec ${POD} -n ${NS} -c sut-candidate -- sh -c ${SNAPSHOT_SCRIPT}`;

// kind v0.29.0, docker 28.2 and kubectl 1.32 output (kind writes its progress to stderr).
const KIND_OK: Rule[] = [
  { tool: 'kind', match: '^version$', responses: [{ stdout: 'kind v0.29.0 go1.24.2 linux/amd64\n' }] },
  { tool: 'kind', match: '^get clusters$', responses: [{ stdout: '' }] },
  { tool: 'kind', match: '^create cluster', responses: [{ stderr: 'Creating cluster "hook-latency" ...\n ✓ Ensuring node image (kindest/node:v1.33.1) 🖼\n ✓ Preparing nodes 📦\n ✓ Writing configuration 📜\n ✓ Starting control-plane 🕹️\n ✓ Installing CNI 🔌\n ✓ Installing StorageClass 💾\n ✗ Waiting ≤ 2m0s for control-plane = Ready ⏳\n • WARNING: Timed out waiting for Ready ⚠️\n' }] },
  { tool: 'kind', match: '^load docker-image', responses: [{ stderr: 'Image: "example.org/sut:1" with ID "sha256:5d6a1b1e0c1f" not yet present on node "hook-latency-control-plane", loading...\n' }] },
  { tool: 'kind', match: '^delete cluster', responses: [{ stderr: 'Deleting cluster "hook-latency" ...\nDeleted nodes: ["hook-latency-control-plane"]\n' }] },
  { tool: 'kubectl', match: 'wait --for=condition=Ready node --all', responses: [{ stdout: 'node/hook-latency-control-plane condition met\n' }] },
  { tool: 'docker', match: '^image inspect', responses: [{ stdout: '["example.org/sut:1"]\n' }] },
];
function kubectlOk(getPod: Rule['responses'] = [{ stdout: PENDING }, { stdout: DONE }]): Rule[] {
  return [
    { tool: 'kubectl', match: `${APPLY} -f -$`, responses: [{ stdout: `namespace/${NS} serverside-applied\n` }] },
    { tool: 'kubectl', match: `${APPLY} -n ${NS} -f -`, responses: [{ stdout: `pod/${POD} serverside-applied\n` }] },
    { tool: 'kubectl', match: `get serviceaccount default -n ${NS} -o name`, responses: [{ stdout: 'serviceaccount/default\n' }] },
    { tool: 'kubectl', match: `get pod ${POD} -n ${NS} -o json`, responses: getPod },
    { tool: 'kubectl', match: `logs ${POD} -n ${NS} -c loadgen`, responses: [{ stdout: csv }] },
    { tool: 'kubectl', match: 'exec .* -c sut-candidate -- sh -c', responses: [{ stdout: SNAPSHOT }] },
    { tool: 'kubectl', match: 'cat /sys/fs/cgroup/cpu.stat', responses: [{ stdout: 'nr_periods 0\nnr_throttled 0\nthrottled_usec 0\n' }] },
    { tool: 'kubectl', match: `get namespace ${NS} -o json`, responses: [{ stdout: JSON.stringify({ metadata: { name: NS, labels: {} } }) }] },
    { tool: 'kubectl', match: 'get pods -A --field-selector spec.nodeName=kind-control-plane -o json', responses: [{ stdout: JSON.stringify({ items: [
      { metadata: { name: 'coredns-674b8bbfcf-8xk2p', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, status: { phase: 'Running' } },
      { metadata: { name: 'kube-apiserver-kind-control-plane', namespace: 'kube-system', labels: { component: 'kube-apiserver', tier: 'control-plane' } }, status: { phase: 'Running' } },
      { metadata: { name: 'etcd-kind-control-plane', namespace: 'kube-system', labels: { component: 'etcd', tier: 'control-plane' } }, status: { phase: 'Running' } },
    ] }) }] },
    { tool: 'kubectl', match: `get events -n ${NS}`, responses: [{ stdout: EVENTS }] },
    { tool: 'kubectl', match: 'delete pod ', responses: [{ stdout: 'pod deleted\n' }] },
    { tool: 'kubectl', match: `delete namespace ${NS}`, responses: [{ stdout: 'namespace deleted\n' }] },
  ];
}

const K = (s: string) => `kubectl ${CTX.join(' ')} ${s}`;
// kubectl 1.32 `apply --server-side` prints "<kind>/<name> serverside-applied" per object.
const APPLY = 'apply --server-side --field-manager=hook-latency';
const INSPECT = (image: string) => `docker image inspect --format {{json .RepoTags}} ${image}`;
const LOAD = [INSPECT('example.org/sut:1'), 'kind load docker-image example.org/sut:1 --name hook-latency'];
const WAIT_NODE = K('wait --for=condition=Ready node --all --timeout=180s');
const SETUP = [
  'kind version', 'kind get clusters', 'kind create cluster --name hook-latency --wait 120s', WAIT_NODE, ...LOAD,
  K(`${APPLY} -f -`), K(`get serviceaccount default -n ${NS} -o name`),
];
const CLEANUP = [K(`delete pod ${POD} -n ${NS} --ignore-not-found --timeout=90s`), K(`delete namespace ${NS} --ignore-not-found --wait=false`), 'kind delete cluster --name hook-latency'];
const opts = { runId: 't1', pollMs: 1, backoffMs: 1 };

async function until(done: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

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
    const out = (await runOnce(new KindRuntime(config(), opts))) as { data: { arm: Uint8Array; latencyNs: Float64Array }; checks: { id: string; status: string; detail: string }[] };
    expect(lines()).toEqual([
      ...SETUP,
      K(`${APPLY} -n ${NS} -f -`),
      K(`${APPLY} -n ${NS} -f -`),
      K(`get pod ${POD} -n ${NS} -o json`),
      K(`get pod ${POD} -n ${NS} -o json`),
      K(`logs ${POD} -n ${NS} -c loadgen`),
      K(PROVE),
      K(`exec ${POD} -n ${NS} -c sut-baseline -- cat /sys/fs/cgroup/cpu.stat`),
      K(`exec ${POD} -n ${NS} -c sut-candidate -- cat /sys/fs/cgroup/cpu.stat`),
      K(`get namespace ${NS} -o json`),
      K('get pods -A --field-selector spec.nodeName=kind-control-plane -o json'),
      ...CLEANUP,
    ]);
    expect(out.data.arm.length).toBe(20);
    expect(out.data.latencyNs[19]).toBe(41_900);
    expect(Object.fromEntries(out.checks.map((c) => [c.id, c.status]))).toEqual({
      // kind's node runs the control plane beside the SUTs: said, not passed.
      'same-pod': 'pass', 'cpu-throttling': 'pass', 'service-mesh': 'pass', 'node-tenancy': 'warn', kind: 'pass',
    });
    expect(out.checks.find((c) => c.id === 'kind')).toEqual({ id: 'kind', status: 'pass', detail: `kind v0.29.0 (${FAKES}/kind, on PATH)` });
    // What was applied: the namespace, the ConfigMaps once (loadgen, hook, pin wrapper), then the Pod of the shared manifest.
    const applied = calls().filter((c) => c.argv.includes('apply'));
    expect(parseAllDocuments(applied[0].stdin).map((d) => d.toJS().kind)).toEqual(['Namespace']);
    const docs = [...parseAllDocuments(applied[1].stdin), ...parseAllDocuments(applied[2].stdin)].map((d) => d.toJS());
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'ConfigMap', 'ConfigMap', 'Pod']);
    expect(docs[3].metadata.namespace).toBe(NS);
    expect(docs[1].binaryData['delay.so']).toBe(readFileSync(resolve(ROOT, 'hook/build/delay.so')).toString('base64'));
    expect(docs[2].binaryData.pin).toBe(readFileSync(resolve(ROOT, 'hook/build/pin')).toString('base64'));
    // The native load generator by ConfigMap, run in the SUT's own image: no loadgen image at all.
    expect(docs[0].binaryData.loadgen).toBe(readFileSync(resolve(ROOT, 'hook/build/loadgen')).toString('base64'));
    expect(docs[3].spec.containers.map((c: { image: string }) => c.image)).toEqual(['example.org/sut:1', 'example.org/sut:1', 'example.org/sut:1']);
    expect(docs[3].spec.containers[2].command.slice(3)).toEqual(['/loadgen/loadgen']);
    // The default placement: every container's command starts with the pin wrapper, last allowed CPU.
    for (const c of docs[3].spec.containers) expect(c.command.slice(0, 3)).toEqual(['/hook-latency/pin/pin', '@-1', '--']);
  });

  it('images: only the SUT image is loaded (the loadgen comes by ConfigMap); pods never pull', async () => {
    script([...KIND_OK, ...kubectlOk([{ stdout: DONE }])]);
    await runOnce(new KindRuntime(config(), opts));
    const l = lines();
    expect(l.filter((x) => /^(docker|kind load)/.test(x))).toEqual(LOAD);
    // Loaded before the first apply: round 0 starts with the image in the node.
    expect(l.indexOf(LOAD[1]!)).toBeLessThan(l.findIndex((x) => x.includes('apply')));
    const pod = appliedPod();
    expect(pod.spec.containers.map((c: { imagePullPolicy: string }) => c.imagePullPolicy)).toEqual(['Never', 'Never', 'Never']);
  });

  it('loadgen-image, set by an older config: accepted, not used', async () => {
    script([...KIND_OK, ...kubectlOk([{ stdout: DONE }])]);
    await runOnce(new KindRuntime(config({ 'loadgen-image': 'docker.io/library/node:24-alpine' }), opts));
    expect(lines().filter((x) => /^(docker|kind load)/.test(x))).toEqual(LOAD);
    expect(JSON.stringify(appliedPod())).not.toContain('node:24-alpine');
  });

  it('the node never becomes Ready after kind create (its --wait exits 0 on timeout): a clear error, cluster deleted', async () => {
    script([
      { tool: 'kubectl', match: 'wait --for=condition=Ready node', responses: [{ code: 1, stderr: 'error: timed out waiting for the condition on nodes/hook-latency-control-plane\n' }] },
      ...KIND_OK,
    ]);
    const err = await runOnce(new KindRuntime(config(), opts)).catch((e: unknown) => e);
    expect((err as Error).message).toBe('waiting for the kind node of hook-latency to be Ready failed: error: timed out waiting for the condition on nodes/hook-latency-control-plane');
    expect(lines()).toEqual(['kind version', 'kind get clusters', 'kind create cluster --name hook-latency --wait 120s', WAIT_NODE, 'kind delete cluster --name hook-latency']);
  });

  it('a fresh namespace: waits for its default ServiceAccount, and "error looking up service account" is retried', async () => {
    script([
      { tool: 'kubectl', match: 'get serviceaccount default', responses: [{ code: 1, stderr: 'Error from server (NotFound): serviceaccounts "default" not found\n' }, { stdout: 'serviceaccount/default\n' }] },
      { tool: 'kubectl', match: `${APPLY} -n ${NS} -f -`, responses: [
        { stdout: 'configmap/hook-latency-t1-loadgen serverside-applied\nconfigmap/hook-latency-t1-hook serverside-applied\n' },
        { code: 1, stderr: `Error from server (Forbidden): pods "${POD}" is forbidden: error looking up service account ${NS}/default: serviceaccount "default" not found\n` },
        { stdout: `pod/${POD} serverside-applied\n` },
      ] },
      ...KIND_OK,
      ...kubectlOk([{ stdout: DONE }]),
    ]);
    const out = (await runOnce(new KindRuntime(config(), opts))) as { data: { arm: Uint8Array } };
    expect(out.data.arm.length).toBe(20);
    const l = lines();
    expect(l.filter((x) => x.includes('get serviceaccount')).length).toBe(2);
    expect(l.filter((x) => x.includes(`${APPLY} -n ${NS}`)).length).toBe(3);
  });

  it('KIND_EXPERIMENTAL_PROVIDER=podman: podman save + kind load image-archive, pods use the name podman gave the image', async () => {
    process.env.PATH = `${FAKES}/podman-provider:${process.env.PATH}`;
    process.env.KIND_EXPERIMENTAL_PROVIDER = 'podman';
    // podman 4.3: a local build of `sut:1` is named localhost/sut:1.
    script([
      { tool: 'podman', match: '^image inspect .* sut:1$', responses: [{ stdout: '["localhost/sut:1"]\n' }] },
      { tool: 'podman', match: '^save -o ', responses: [{ stderr: 'Copying blob 5f70bf18a086 done\nWriting manifest to image destination\n' }] },
      { tool: 'kind', match: '^load image-archive', responses: [{}] },
      ...KIND_OK,
      ...kubectlOk([{ stdout: DONE }]),
    ]);
    await runOnce(new KindRuntime(config({ sut: { image: 'sut:1', command: ['/app/sut'] } }), opts));
    const l = lines().map((x) => x.replace(/ \/\S+\/image-(\d)\.tar/, ' ARCHIVE$1'));
    expect(l.filter((x) => /^(podman|kind load|docker)/.test(x))).toEqual([
      'podman image inspect --format {{json .RepoTags}} sut:1', 'podman image inspect --format {{json .RepoTags}} sut:1',
      'podman save -o ARCHIVE0 localhost/sut:1', 'kind load image-archive ARCHIVE0 --name hook-latency',
    ]);
    expect(appliedPod().spec.containers.map((c: { image: string }) => c.image)).toEqual(['localhost/sut:1', 'localhost/sut:1', 'localhost/sut:1']);
  });

  it('an unknown KIND_EXPERIMENTAL_PROVIDER: one clear line', () => {
    process.env.KIND_EXPERIMENTAL_PROVIDER = 'nerdctl';
    expect(() => new KindRuntime(config(), opts)).toThrow('KIND_EXPERIMENTAL_PROVIDER=nerdctl is not supported: use docker or podman');
  });

  it('kind-version set and the kind on PATH another: an explicit version wins (outside Actions: a clear error, nothing created)', async () => {
    script(KIND_OK);
    const err = await runOnce(new KindRuntime(config({ 'kind-version': 'v0.27.0' }), { ...opts, download: false })).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      `kind-version v0.27.0 is set but the kind on PATH (${FAKES}/kind) is v0.29.0: kind v0.27.0 is needed: install it (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)`,
    );
    expect(lines()).toEqual(['kind version']);
  });

  it('kind-version set and equal to the kind on PATH: that kind is used', async () => {
    script([...KIND_OK, ...kubectlOk([{ stdout: DONE }])]);
    const out = (await runOnce(new KindRuntime(config({ 'kind-version': 'v0.29.0' }), opts))) as { checks: { id: string; detail: string }[] };
    expect(out.checks.find((c) => c.id === 'kind')?.detail).toBe(`kind v0.29.0 (${FAKES}/kind, on PATH)`);
  });

  describe('kind-version downloaded (a stand-in for kind.sigs.k8s.io/dl, through @actions/tool-cache)', () => {
    // A release as kind publishes it: the binary and `<binary>.sha256sum` ("<hex>  <name>", sha256sum's format).
    const binary = `#!/usr/bin/env node\nimport(${JSON.stringify(join(FAKES, 'fake-tool.mjs'))}).then((m) => m.main('kind'));\n`;
    const name = `kind-linux-${process.arch === 'arm64' ? 'arm64' : 'amd64'}`;
    let served: Record<string, string>;
    let fetched: string[];
    let server: Server;
    let base: string;
    beforeEach(async () => {
      fetched = [];
      server = createServer((req, res) => {
        fetched.push(req.url ?? '');
        const body = served[req.url ?? ''];
        res.writeHead(body === undefined ? 404 : 200).end(body ?? 'Not Found');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dl`;
      // No kind on PATH: only kubectl and docker.
      const bin = join(dir, 'bin');
      mkdirSync(bin);
      for (const tool of ['kubectl', 'docker']) symlinkSync(join(FAKES, tool), join(bin, tool));
      process.env.PATH = `${bin}:${savedEnv.PATH}`;
      process.env.RUNNER_TOOL_CACHE = join(dir, 'tool-cache');
      process.env.RUNNER_TEMP = join(dir, 'runner-temp');
    });
    afterEach(() => new Promise<void>((r) => server.close(() => r())));

    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

    it('the published sha256 matches: cached, then used', async () => {
      served = { [`/dl/v0.29.0/${name}`]: binary, [`/dl/v0.29.0/${name}.sha256sum`]: `${sha256(binary)}  ${name}\n` };
      script([...KIND_OK, ...kubectlOk([{ stdout: DONE }])]);
      const out = (await runOnce(new KindRuntime(config({ 'kind-version': 'v0.29.0' }), { ...opts, download: true, downloads: base }))) as { checks: { id: string; detail: string }[] };
      const cached = join(dir, 'tool-cache', 'kind', '0.29.0', process.arch, 'kind');
      expect(out.checks.find((c) => c.id === 'kind')?.detail).toBe(`kind v0.29.0 (${cached}, downloaded)`);
      expect(fetched).toEqual([`/dl/v0.29.0/${name}.sha256sum`, `/dl/v0.29.0/${name}`]);
      expect(lines().slice(0, 2)).toEqual(['kind get clusters', 'kind create cluster --name hook-latency --wait 120s']);
    });

    it('a binary that does not match the published sha256: one line, not cached, never run', async () => {
      served = { [`/dl/v0.29.0/${name}`]: `${binary}// tampered\n`, [`/dl/v0.29.0/${name}.sha256sum`]: `${sha256(binary)}  ${name}\n` };
      script(KIND_OK);
      const err = await runOnce(new KindRuntime(config({ 'kind-version': 'v0.29.0' }), { ...opts, download: true, downloads: base })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RunError);
      expect((err as Error).message).toBe(
        `downloading kind v0.29.0 failed: the sha256 of ${base}/v0.29.0/${name} is ${sha256(`${binary}// tampered\n`)}, not the published ${sha256(binary)}: not used`,
      );
      expect(existsSync(join(dir, 'tool-cache', 'kind'))).toBe(false);
      expect(lines()).toEqual([]);
    });

    it('no published sha256: not downloaded at all', async () => {
      served = { [`/dl/v0.29.0/${name}`]: binary };
      script(KIND_OK);
      const err = await runOnce(new KindRuntime(config({ 'kind-version': 'v0.29.0' }), { ...opts, download: true, downloads: base })).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/^downloading kind v0\.29\.0 failed: Unexpected HTTP response: 404$/);
      expect(fetched).toEqual([`/dl/v0.29.0/${name}.sha256sum`]);
      expect(lines()).toEqual([]);
    });
  });

  it.each(['0.29.0', 'v0.29', 'v0.29.0/../../evil', 'latest'])('kind-version %s: exit 2 before anything starts, one line', (v) => {
    expect(() => config({ 'kind-version': v })).toThrow(UsageError);
    expect(() => config({ 'kind-version': v })).toThrow(`kind-version must be a release tag like v0.29.0, got '${v}'`);
  });

  it('kind create cluster fails half-way: a clear error, and the half-made cluster is deleted', async () => {
    script([{ tool: 'kind', match: '^create cluster', responses: [{ code: 1, stderr: 'ERROR: failed to create cluster: failed to init node with kubeadm: command "docker exec --privileged hook-latency-control-plane kubeadm init" failed with error: exit status 1\n' }] }, ...KIND_OK]);
    const err = await runOnce(new KindRuntime(config(), opts)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as Error).message).toMatch(/^kind create cluster hook-latency failed: ERROR: failed to create cluster: failed to init node with kubeadm/);
    expect(lines()).toEqual(['kind version', 'kind get clusters', 'kind create cluster --name hook-latency --wait 120s', 'kind delete cluster --name hook-latency']);
  });

  it('kind create cluster finds the cluster made meanwhile by another run: never deletes it, nor leaves it in the ledger', async () => {
    script([{ tool: 'kind', match: '^create cluster', responses: [{ code: 1, stderr: 'ERROR: failed to create cluster: node(s) already exist for a cluster with the name "hook-latency"\n' }] }, ...KIND_OK]);
    const ledger = new ResourceList();
    const err = await runOnce(new KindRuntime(config(), { ...opts, ledger })).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^kind create cluster hook-latency failed: ERROR: failed to create cluster: node\(s\) already exist/);
    expect(lines()).toEqual(['kind version', 'kind get clusters', 'kind create cluster --name hook-latency --wait 120s']);
    expect(ledger.resources()).toEqual([]);
  });

  it('reuses an existing cluster and never deletes it', async () => {
    script([{ tool: 'kind', match: '^get clusters$', responses: [{ stdout: 'other\nhook-latency\n' }] }, ...KIND_OK, ...kubectlOk([{ stdout: DONE }])]);
    await runOnce(new KindRuntime(config(), opts));
    const l = lines();
    expect(l.slice(0, 5)).toEqual(['kind version', 'kind get clusters', WAIT_NODE, ...LOAD]);
    expect(l.some((x) => x.includes('create cluster') || x.includes('delete cluster'))).toBe(false);
    expect(l.slice(-2)).toEqual(CLEANUP.slice(0, 2));
  });

  it('apply rejected: the API message, then pod, namespace and cluster are deleted', async () => {
    script([{ tool: 'kubectl', match: `apply .*-n ${NS}`, responses: [{}, { code: 1, stderr: 'The Pod "hook-latency-t1-r0" is invalid: spec.containers[0].image: Required value\n' }] }, ...KIND_OK, ...kubectlOk()]);
    const err = await runOnce(new KindRuntime(config(), opts)).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`applying pod ${NS}/${POD} failed: The Pod "hook-latency-t1-r0" is invalid: spec.containers[0].image: Required value`);
    expect(lines()).toEqual([...SETUP, K(`${APPLY} -n ${NS} -f -`), K(`${APPLY} -n ${NS} -f -`), ...CLEANUP]);
  });

  it('pod stuck Pending: times out with the scheduling reason and the pod events', async () => {
    script([...KIND_OK, ...kubectlOk([{ stdout: PENDING }])]);
    // 2 s: each fake kubectl call is a node process, and under load one call alone can outlast
    // a few hundred ms; 2 s leaves more than one poll.
    const err = await runOnce(new KindRuntime(config({ 'pod-timeout': '2s' }), opts)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    const msg = (err as Error).message;
    expect(msg).toContain('round 0: pod still Pending after 2 s (pod-timeout): ContainersNotReady containers with unready status: [sut-baseline sut-candidate loadgen]');
    expect(msg).toContain(`pod ${NS}/${POD} events:\n${EVENTS.trim()}`);
    const l = lines();
    expect(l.filter((x) => x.includes('get pod ')).length).toBeGreaterThan(1);
    expect(l.slice(-4)).toEqual([K(`get events -n ${NS} --field-selector involvedObject.name=${POD}`), ...CLEANUP]);
  });

  it('Unschedulable: fails at once, naming what the pod asks and what the node has', async () => {
    script([...NODE_RULES, ...KIND_OK, ...kubectlOk([{ stdout: UNSCHEDULABLE }])]);
    // memory only: no CPU pre-check (that is for cpu), so the scheduler is the one to refuse.
    const err = await runOnce(new KindRuntime(config({ 'pod-timeout': '5m', memory: '64Mi' }), opts)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as Error).message).toMatch(
      /^round 0: the pod cannot be scheduled \(Unschedulable: 0\/1 nodes are available: 1 Insufficient cpu\. .*\): it requests 0m CPU \(2 x cpu 0 \+ loadgen 0\) and memory 2 x 64Mi \+ 256Mi; node kind-control-plane has 2000m CPU allocatable, 950m requested by its pods, 1050m free\. Lower cpu\/memory, or set cpu: auto\npod \S+ events:/,
    );
    expect(lines().filter((x) => x.includes(`get pod ${POD}`)).length).toBe(1);
    expect(lines().slice(-3)).toEqual(CLEANUP);
  });

  // Events as kubectl 1.32 prints them; reasons and messages as cluster-autoscaler 1.32 writes them.
  const SCALE_UP = `${EVENTS}2s          Normal    TriggeredScaleUp   pod/${POD}   pod triggered scale-up: [{eks-gate-ng 2->3 (max: 10)}]\n`;
  const NO_SCALE_UP = `${EVENTS}2s          Normal    NotTriggerScaleUp   pod/${POD}   pod didn't trigger scale-up: 1 max node group size reached\n`;

  it('Unschedulable while an autoscaler adds a node (TriggeredScaleUp): waits, and the round runs on the new node', async () => {
    const rules = kubectlOk([{ stdout: UNSCHEDULABLE }, { stdout: UNSCHEDULABLE }, { stdout: PENDING }, { stdout: DONE }]);
    script([...NODE_RULES, ...KIND_OK, { tool: 'kubectl', match: `get events -n ${NS}`, responses: [{ stdout: SCALE_UP }] }, ...rules]);
    const out = (await runOnce(new KindRuntime(config({ memory: '64Mi' }), opts))) as { data: { arm: Uint8Array } };
    expect(out.data.arm.length).toBe(20);
    expect(lines().filter((x) => x.includes(`get pod ${POD}`)).length).toBe(4);
    // Asked once: a scale-up seen is not asked again.
    expect(lines().filter((x) => x.includes('get events')).length).toBe(1);
  });

  it('Unschedulable with a scale-up that never brings a node: fails at pod-timeout, still Pending', async () => {
    script([...NODE_RULES, ...KIND_OK, { tool: 'kubectl', match: `get events -n ${NS}`, responses: [{ stdout: SCALE_UP }] }, ...kubectlOk([{ stdout: UNSCHEDULABLE }])]);
    const err = await runOnce(new KindRuntime(config({ memory: '64Mi', 'pod-timeout': '1s' }), opts)).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^round 0: pod still Pending after 1 s \(pod-timeout\): Unschedulable 0\/1 nodes are available/);
  });

  it('Unschedulable and the autoscaler will not scale up (NotTriggerScaleUp): fails at once', async () => {
    script([...NODE_RULES, ...KIND_OK, { tool: 'kubectl', match: `get events -n ${NS}`, responses: [{ stdout: NO_SCALE_UP }] }, ...kubectlOk([{ stdout: UNSCHEDULABLE }])]);
    const err = await runOnce(new KindRuntime(config({ memory: '64Mi', 'pod-timeout': '5m' }), opts)).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^round 0: the pod cannot be scheduled \(Unschedulable/);
    expect((err as Error).message).toContain("pod didn't trigger scale-up: 1 max node group size reached");
    expect(lines().filter((x) => x.includes(`get pod ${POD}`)).length).toBe(1);
  });

  it('cpu: auto: a third of the node\'s free CPU on every container, requests = limits (Guaranteed)', async () => {
    script([...NODE_RULES, ...KIND_OK, ...kubectlOk([{ stdout: DONE }])]);
    await runOnce(new KindRuntime(config({ cpu: 'auto', memory: '64Mi' }), opts));
    const l = lines();
    expect(l.slice(6, 8)).toEqual([K('get nodes -o json'), K('get pods -A --field-selector status.phase!=Succeeded,status.phase!=Failed -o json')]);
    const pod = appliedPod();
    const q = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { cpu, memory } });
    // (2000m - 950m) / 3 = 350m.
    expect(pod.spec.containers.map((c: { resources: unknown }) => c.resources)).toEqual([q('350m', '64Mi'), q('350m', '64Mi'), q('350m', '256Mi')]);
  });

  it('an explicit cpu no node can give: fails before round 0 with the numbers', async () => {
    script([...NODE_RULES, ...KIND_OK, ...kubectlOk([{ stdout: DONE }])]);
    const err = await runOnce(new KindRuntime(config({ cpu: '1', memory: '64Mi' }), opts)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(
      'the pod requests 3000m CPU (2 x cpu 1 + loadgen 1) but node kind-control-plane has 2000m CPU allocatable, 950m requested by its pods, 1050m free: lower cpu, or set cpu: auto',
    );
    expect(lines().some((x) => x.includes('apply'))).toBe(false);
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
    const pod = appliedPod();
    expect(pod.spec.containers[1].resources).toEqual({ requests: { cpu: '1', memory: '16Mi' }, limits: { cpu: '1', memory: '16Mi' } });
  });

  it('StartError: a SUT command that cannot start is reported with the runtime\'s own message', async () => {
    // containerd 2.1 (kindest/node v1.33.1) via kubectl 1.32 -o json: reason StartError, exit 128, the log empty.
    const message = 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "/app/nope": stat /app/nope: no such file or directory: unknown';
    const started = podJson({ phase: 'Running' }, [
      running('sut-baseline'),
      { name: 'sut-candidate', state: { terminated: { exitCode: 128, reason: 'StartError', message, startedAt: '1970-01-01T00:00:00Z', finishedAt: '2025-06-01T10:00:01Z' } } },
      running('loadgen'),
    ]);
    script([{ tool: 'kubectl', match: `logs ${POD} -n ${NS} -c sut-candidate`, responses: [{ stdout: '' }] }, ...KIND_OK, ...kubectlOk([{ stdout: started }])]);
    const err = await runOnce(new KindRuntime(config(), opts)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RoundFailedError);
    expect((err as Error).message).toContain(`round 0: sut-candidate terminated before the loadgen finished (exit 128, StartError: ${message})`);
  });

  it('StartError of the loadgen: its message, not an empty log', async () => {
    const message = 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "node": executable file not found in $PATH: unknown';
    const lgFailed = podJson({ phase: 'Running' }, [running('sut-baseline'), running('sut-candidate'), { name: 'loadgen', state: { terminated: { exitCode: 128, reason: 'StartError', message } } }]);
    script([{ tool: 'kubectl', match: `logs ${POD} -n ${NS} -c loadgen`, responses: [{ stdout: '' }] }, ...KIND_OK, ...kubectlOk([{ stdout: lgFailed }])]);
    const err = await runOnce(new KindRuntime(config(), opts)).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`round 0: the loadgen in ${NS}/${POD} failed (exit 128, StartError: ${message}): `);
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
      K(PROVE),
      K(`exec ${POD} -n ${NS} -c sut-baseline -- cat /hook-latency/out/samples.csv`),
    ]);
    const pod = appliedPod();
    expect(pod.spec.containers[2].env[0].value).toMatch(/^out \/hook-latency\/out\/samples\.csv$/m);
  });

  it('a 5 MiB hook: every object submitted is within the API limits, by server-side apply (no last-applied annotation)', async () => {
    script([...KIND_OK, ...kubectlOk([{ stdout: DONE }])]);
    await runOnce(new KindRuntime(config({ hook: resolve(ROOT, 'hook/build/noop-5mb.so') }), opts)).catch(() => null);
    const applies = calls().filter((c) => c.argv.includes('apply'));
    expect(applies.every((c) => c.argv.includes('--server-side'))).toBe(true);
    const objects = applies.flatMap((c) => parseAllDocuments(c.stdin).map((d) => d.toJS()));
    // kubectl sends each document of -f - as a request of its own: the limits are per object.
    expect(objects.flatMap(apiLimitProblems)).toEqual([]);
    // The loadgen's, the pin wrapper's, and one per part of the hook.
    expect(objects.filter((o) => o.kind === 'ConfigMap').length).toBe(2 + Math.ceil(statSync(resolve(ROOT, 'hook/build/noop-5mb.so')).size / HOOK_PART_BYTES));
    const parts = objects.filter((o) => o.kind === 'ConfigMap' && /-hook-\d+$/.test(o.metadata.name));
    const joined = Buffer.concat(parts.map((o) => Buffer.from(Object.values(o.binaryData as Record<string, string>)[0] as string, 'base64')));
    expect(joined.equals(readFileSync(resolve(ROOT, 'hook/build/noop-5mb.so')))).toBe(true);
    // The ConfigMaps go once per run, not with every round's Pod.
    expect(applies.filter((c) => c.stdin.includes('kind: "ConfigMap"')).length).toBe(1);
    expect(appliedPod().spec.initContainers.map((c: { name: string }) => c.name)).toEqual(['join-hook']);
  });

  it('the hook not mapped in the listening process: "hook was not loaded" with the SUT log, whatever PID 1 maps', async () => {
    // The listener (pid 6) without the hook, and a hooked process with a socket that is not the
    // listener (a shell entrypoint or a helper): the one that serves the port decides.
    const unhooked = SNAPSHOT.split('\n').filter((l) => !l.includes('delay.so')).join('\n');
    const [tables, rest] = unhooked.split('== 6');
    const shellFirst = `${tables}== 1 socket:[4242]\n7f00-7f01 r-xp 0 0:0 1 /hook-latency/hook/..2025_01_01_00_00_00.1/delay.so\n== 6${rest}`;
    script([
      { tool: 'kubectl', match: '-- sh -c', responses: [{ stdout: shellFirst }] },
      { tool: 'kubectl', match: `logs ${POD} -n ${NS} -c sut-candidate`, responses: [{ stdout: "ERROR: ld.so: object '/hook-latency/hook/delay.so' from LD_PRELOAD cannot be preloaded (wrong ELF class: ELFCLASS32): ignored.\nlistening on 127.0.0.1:8081\n" }] },
      ...KIND_OK,
      ...kubectlOk([{ stdout: DONE }]),
    ]);
    const err = await runOnce(new KindRuntime(config(), opts)).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^hook was not loaded: \/hook-latency\/hook\/delay\.so is not mapped in sut-candidate of \S+ \(pid 6, listening on port 8081\) .*cannot be preloaded/);
    expect(lines().slice(-3)).toEqual(CLEANUP);
  });

  it('no process listens on the SUT port: says so instead of guessing a process', async () => {
    script([
      { tool: 'kubectl', match: '-- sh -c', responses: [{ stdout: SNAPSHOT.replace(':1F91 ', ':1F90 ') }] },
      ...KIND_OK,
      ...kubectlOk([{ stdout: DONE }]),
    ]);
    const err = await runOnce(new KindRuntime(config(), opts)).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`cannot verify that delay.so is loaded in sut-candidate of ${NS}/${POD}: no process there listens on port 8081 (the SUT must listen on PORT)`);
  });

  // A SUT that crashed mid-round (crash.so: SIGSEGV, exit 139) while the runtime stayed quiet: the next
  // status read shows it terminated together with the loadgen's end (kubectl 1.32 -o json, reason Error).
  const LOG_CRASHED = 'listening on 127.0.0.1:8081\n';
  const crashed = podJson({ phase: 'Running' }, [
    running('sut-baseline'),
    { name: 'sut-candidate', state: { terminated: { exitCode: 139, reason: 'Error' } } },
    { name: 'loadgen', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
  ]);
  it('a SUT that died during the round, seen with the loadgen\'s end: a RoundFailedError with the rows so far, not a hook proof', async () => {
    script([{ tool: 'kubectl', match: `logs ${POD} -n ${NS} -c sut-candidate`, responses: [{ stdout: LOG_CRASHED }] }, ...KIND_OK, ...kubectlOk([{ stdout: crashed }])]);
    const err = await runOnce(new KindRuntime(config(), opts)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RoundFailedError);
    expect((err as Error).message).toMatch(/^round 0: sut-candidate stopped during the round \(exit 139, Error\); its log:\nlistening on 127\.0\.0\.1:8081\npod .* events:/);
    expect((err as RoundFailedError).partial?.arm.length).toBe(20);
    expect(lines().some((l) => l.includes('-- sh -c'))).toBe(false);
  });

  it('a SUT that died as the loadgen finished, its status still "running": the proof finds no listener, a re-read names the death', async () => {
    script([
      { tool: 'kubectl', match: '-- sh -c', responses: [{ stdout: SNAPSHOT.replace(':1F91 ', ':1F90 ') }] },
      { tool: 'kubectl', match: `logs ${POD} -n ${NS} -c sut-candidate`, responses: [{ stdout: LOG_CRASHED }] },
      ...KIND_OK,
      ...kubectlOk([{ stdout: DONE }, { stdout: crashed }]),
    ]);
    const err = await runOnce(new KindRuntime(config(), opts)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RoundFailedError);
    expect((err as Error).message).toMatch(/^round 0: sut-candidate stopped during the round \(exit 139, Error\)/);
    expect((err as RoundFailedError).partial?.arm.length).toBe(20);
  });

  it('a SUT image without a shell: the requirement named', async () => {
    script([
      { tool: 'kubectl', match: '-- sh -c', responses: [{ code: 1, stderr: 'error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "f00": OCI runtime exec failed: exec failed: unable to start container process: exec: "sh": executable file not found in $PATH: unknown\n' }] },
      ...KIND_OK,
      ...kubectlOk([{ stdout: DONE }]),
    ]);
    const err = await runOnce(new KindRuntime(config(), opts)).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^cannot verify that delay\.so is loaded in sut-candidate of \S+ \(kubectl exec: .*"sh": executable file not found in \$PATH: unknown\); the SUT image needs sh, cat and readlink$/);
  });
});

describe('kubernetes runtime (fake kubectl)', () => {
  it('given namespace and kubeconfig: no namespace created or deleted; ConfigMaps removed by label', async () => {
    script([PULLED, ...kubectlOk([{ stdout: DONE }])].map((r) => ({ ...r, match: r.match.replaceAll(`-n ${NS}`, '-n perf').replaceAll(`namespace ${NS}`, 'namespace perf') })));
    const rt = new KubernetesRuntime(config({ runtime: 'kubernetes', namespace: 'perf', kubeconfig: '/tmp/kc', 'kube-context': 'prod' }), opts);
    await runOnce(rt);
    const pre = 'kubectl --kubeconfig /tmp/kc --context prod';
    const l = lines();
    // The SUT image is pulled by a pod of its own before round 0 (the loadgen runs in it), then the round's ConfigMaps and Pod.
    expect(l.slice(0, 6)).toEqual([
      `${pre} ${APPLY} -n perf -f -`, `${pre} get pod hook-latency-t1-pull -n perf -o json`,
      `${pre} delete pod hook-latency-t1-pull -n perf --ignore-not-found --timeout=90s`,
      `${pre} ${APPLY} -n perf -f -`, `${pre} ${APPLY} -n perf -f -`, `${pre} get pod ${POD} -n perf -o json`,
    ]);
    const pull = parseAllDocuments(calls()[0].stdin).map((d) => d.toJS())[0];
    expect(pull.spec.containers.map((c: { image: string; imagePullPolicy: string }) => `${c.image} ${c.imagePullPolicy}`)).toEqual(['example.org/sut:1 IfNotPresent']);
    expect(l.some((x) => x.includes('namespace perf') && x.includes('delete'))).toBe(false);
    expect(l.slice(-2)).toEqual([`${pre} delete pod ${POD} -n perf --ignore-not-found --timeout=90s`, `${pre} delete configmap -n perf -l hook-latency/run=t1 --ignore-not-found`]);
  });

  it.each([
    ['succeeds: the ledger is empty at the end', 0],
    ['fails: the ConfigMaps stay in the ledger for the post step', 1],
  ])('the ConfigMaps are in the ledger from their apply; their delete by label %s', async (_name, code) => {
    const inPerf = (rules: Rule[]) => rules.map((r) => ({ ...r, match: r.match.replaceAll(`-n ${NS}`, '-n perf') }));
    script([{ tool: 'kubectl', match: '^delete configmap', responses: [{ code, stderr: code ? 'Unable to connect to the server: dial tcp 10.0.0.1:6443: connect: no route to host\n' : '' }] }, ...inPerf([PULLED, ...kubectlOk([{ stdout: DONE }])])]);
    const recorded = new Set<string>();
    const ledger: ResourceList = new ResourceList(() => {
      for (const r of ledger.resources()) if (r.kind === 'configmap') recorded.add(r.name);
    });
    await runOnce(new KubernetesRuntime(config({ runtime: 'kubernetes', namespace: 'perf' }), { ...opts, ledger }));
    const configMaps = [...recorded];
    expect(configMaps.length).toBeGreaterThan(0);
    for (const name of configMaps) expect(name).toMatch(/^perf\/hook-latency-t1-/);
    expect(ledger.resources().map((r) => `${r.kind} ${r.name}`)).toEqual(code ? configMaps.map((n) => `configmap ${n}`) : []);
  });

  describe('a namespace-limited kubeconfig (RBAC, the Role in docs/runtimes.md)', () => {
    const USER = 'system:serviceaccount:ci:gate';
    /** The Role documented in docs/runtimes.md, as the fake kubectl's RBAC. */
    function documentedRole(): { resources: string[]; verbs: string[] }[] {
      const doc = readFileSync(join(ROOT, 'docs/runtimes.md'), 'utf8');
      const block = /<!-- rbac-role -->\n```yaml\n([\s\S]*?)\n```/.exec(doc)![1];
      return (parseYaml(block) as { rules: { resources: string[]; verbs: string[] }[] }).rules;
    }
    function grant(rules: { resources: string[]; verbs: string[] }[]): void {
      process.env.FAKE_RBAC = join(dir, 'rbac.json');
      writeFileSync(process.env.FAKE_RBAC, JSON.stringify({ user: USER, rules }));
    }
    const inPerf = (rules: Rule[]) => rules.map((r) => ({ ...r, match: r.match.replaceAll(`-n ${NS}`, '-n perf').replaceAll(`namespace ${NS}`, 'namespace perf') }));

    it('a round runs under exactly that Role; only the optional cluster-wide reads are refused, and say so', async () => {
      grant(documentedRole());
      script(inPerf([PULLED, ...kubectlOk([{ stdout: DONE }])]));
      const rt = new KubernetesRuntime(config({ runtime: 'kubernetes', namespace: 'perf' }), opts);
      const out = (await runOnce(rt)) as { data: { arm: Uint8Array }; checks: { id: string; status: string; detail: string }[] };
      expect(out.data.arm.length).toBe(20);
      const byId = Object.fromEntries(out.checks.map((c) => [c.id, c]));
      expect(byId['node-tenancy'].detail).toMatch(/cannot list resource "pods" in API group "" at the cluster scope/);
      expect(lines().at(-1)).toBe('kubectl delete configmap -n perf -l hook-latency/run=t1 --ignore-not-found');
    });

    it('a Role without get on pods/exec (kubectl >= 1.30 execs over WebSockets): fails at once, one line naming it', async () => {
      grant(documentedRole().map((r) => (r.resources.includes('pods/exec') ? { ...r, verbs: ['create'] } : r)));
      script(inPerf([PULLED, ...kubectlOk([{ stdout: DONE }])]));
      const rt = new KubernetesRuntime(config({ runtime: 'kubernetes', namespace: 'perf' }), { ...opts, backoffMs: 1000 });
      const err = await runOnce(rt).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RunError);
      expect((err as Error).message).toBe(
        `kubectl was refused (Forbidden): ${USER} may not get pods/exec in the namespace "perf"; the Role the gate needs is in docs/runtimes.md ("RBAC")`,
      );
      // Once: no retries.
      expect(lines().filter((x) => x.startsWith('kubectl exec '))).toHaveLength(1);
    });

    it('no right to create pods: the first apply fails at once, naming verb and resource', async () => {
      grant(documentedRole().filter((r) => !r.resources.includes('pods')));
      script(inPerf([PULLED, ...kubectlOk([{ stdout: DONE }])]));
      const err = await runOnce(new KubernetesRuntime(config({ runtime: 'kubernetes', namespace: 'perf' }), opts)).catch((e: unknown) => e);
      expect((err as Error).message).toBe(
        `kubectl was refused (Forbidden): ${USER} may not patch pods in the namespace "perf"; the Role the gate needs is in docs/runtimes.md ("RBAC")`,
      );
      expect(lines().filter((x) => x.includes(' apply '))).toHaveLength(1);
    });
  });

  it('salvage (Ctrl-C mid-round): the loadgen\'s rows so far, the pod and the namespace deleted without waiting', async () => {
    const measuring = podJson({ phase: 'Running' }, [running('sut-baseline'), running('sut-candidate'), running('loadgen')]);
    const half = csv.split('\n').slice(0, 11).join('\n') + '\n'; // header + 10 rows written so far
    script([PULLED, { tool: 'kubectl', match: `logs ${POD} -n ${NS} -c loadgen`, responses: [{ stdout: half }] }, ...kubectlOk([{ stdout: measuring }])]);
    const rt = new KubernetesRuntime(config({ runtime: 'kubernetes' }), opts);
    const round = rt.runRound(0).catch((e: unknown) => e);
    try {
      while (!lines().some((x) => x.includes(`get pod ${POD}`))) await new Promise((r) => setTimeout(r, 20));
      const partial = rt.salvage();
      expect(partial?.arm.length).toBe(10);
      // The deletes are started, not waited for: they log themselves a moment later, in either order.
      await until(() => lines().filter((x) => x.endsWith(' --wait=false')).length === 2);
      // The round's own poll, spawned just before, may log itself among these: not part of the salvage.
      const salvaged = lines().filter((x) => !x.includes(`get pod ${POD} `)).slice(-3);
      expect(salvaged[0]).toBe(`kubectl logs ${POD} -n ${NS} -c loadgen`);
      expect(salvaged.slice(1).sort()).toEqual([
        `kubectl delete namespace ${NS} --ignore-not-found --wait=false`,
        `kubectl delete pod ${POD} -n ${NS} --ignore-not-found --wait=false`,
      ]);
      expect(rt.salvage()).toBeNull();
    } finally {
      // Let the interrupted round end (in the CLI the process is gone by now), even when an
      // expectation failed: a round left polling would log into the next test's calls.
      script([{ tool: 'kubectl', match: '.', responses: [{ stdout: DONE.replace('"exitCode":0', '"exitCode":1') }] }]);
      await round;
      await rt.teardown();
    }
  });

  // The runner gives a cancelled step 7.5 s + 2.5 s: salvage must neither hang on a slow API server
  // nor lose a large round to spawnSync's default 1 MiB buffer.
  it.each([
    ['a whole large round (over 1 MiB of rows)', 30_000, 0],
    ['a kubectl that hangs (10 s): given up after 2 s', 30_000, 10_000],
  ])('salvage of %s', async (_name, rows, sleepMs) => {
    const measuring = podJson({ phase: 'Running' }, [running('sut-baseline'), running('sut-candidate'), running('loadgen')]);
    const many: Sample[] = Array.from({ length: rows }, (_, i) => ({ round: 0, arm: i % 2 ? 'candidate' : 'baseline', seq: i, latencyNs: 40_000 + i, startNs: i * 1e5, status: 200 }));
    const text = formatSamplesCsv(many);
    expect(text.length).toBeGreaterThan(1 << 20);
    script([PULLED, { tool: 'kubectl', match: `logs ${POD} -n ${NS} -c loadgen`, responses: [{ stdout: text, sleepMs }] }, ...kubectlOk([{ stdout: measuring }])]);
    const rt = new KubernetesRuntime(config({ runtime: 'kubernetes' }), opts);
    const round = rt.runRound(0).catch((e: unknown) => e);
    try {
      while (!lines().some((x) => x.includes(`get pod ${POD}`))) await new Promise((r) => setTimeout(r, 20));
      const started = Date.now();
      const partial = rt.salvage();
      const took = Date.now() - started;
      if (sleepMs) {
        expect(partial).toBeNull();
        expect(took).toBeLessThan(sleepMs / 2);
      } else {
        expect(partial?.arm.length).toBe(rows);
      }
    } finally {
      script([{ tool: 'kubectl', match: '.', responses: [{ stdout: DONE.replace('"exitCode":0', '"exitCode":1') }] }]);
      await round;
      await rt.teardown();
    }
  });

  it('an image that cannot be pulled fails before round 0, naming it', async () => {
    const pullFails = JSON.stringify({
      metadata: { name: 'hook-latency-t1-pull' },
      spec: { containers: [{ name: 'sut', image: 'example.org/sut:1' }, { name: 'loadgen', image: 'example.org/sut:1' }] },
      status: { phase: 'Pending', containerStatuses: [{ name: 'sut', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "example.org/sut:1"' } } }, { name: 'loadgen', state: { waiting: { reason: 'ContainerCreating' } } }] },
    });
    script([{ tool: 'kubectl', match: 'get pod hook-latency-t1-pull ', responses: [{ stdout: pullFails }] }, ...kubectlOk()]);
    const err = await runOnce(new KubernetesRuntime(config({ runtime: 'kubernetes' }), opts)).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^before round 0: image example\.org\/sut:1 of container sut cannot be pulled \(ImagePullBackOff: Back-off pulling image "example\.org\/sut:1"\)\npod \S+\/hook-latency-t1-pull events:/);
    expect(lines().some((x) => x.includes(`get pod ${POD}`))).toBe(false);
  });

  // An x86-64 runner gating a hook cross-built for arm64 nodes: the pods get the aarch64 wrapper
  // (chosen and built by clusterPinArch, which createRuntime calls; tested in pin-arch.test.ts and below).
  needs(CROSS_COMPILER)('with an arm64 hook', () => {
    it('an arm64 hook: the pods get the pin wrapper built for aarch64, with the same commands', async () => {
      const arm64 = arm64Hook('delay', dir); // named as the captured SNAPSHOT's hook, so the proof passes
      const cfg = config({ runtime: 'kubernetes', hook: arm64 });
      expect(await clusterPinArch(cfg)).toBe('aarch64');
      expect(await clusterPinArch(config({ runtime: 'kubernetes' }))).toBe('x86_64');
      script([PULLED, ...kubectlOk([{ stdout: DONE }])]);
      await runOnce(new KubernetesRuntime(cfg, { ...opts, pinArch: 'aarch64' }));
      const docs = calls().filter((c) => c.argv.includes('apply')).flatMap((c) => parseAllDocuments(c.stdin).map((d) => d.toJS()));
      const pin = docs.find((d) => d.kind === 'ConfigMap' && d.binaryData?.pin)!.binaryData.pin as string;
      expect(pin).toBe(readFileSync(resolve(ROOT, 'hook/build/aarch64/pin')).toString('base64'));
      expect(Buffer.from(pin, 'base64').readUInt16LE(18)).toBe(183); // EM_AARCH64
      expect(docs.find((d) => d.kind === 'ConfigMap' && d.binaryData?.['delay.so'])!.binaryData['delay.so']).toBe(readFileSync(arm64).toString('base64'));
      for (const c of appliedPod().spec.containers) expect(c.command.slice(0, 3)).toEqual(['/hook-latency/pin/pin', '@-1', '--']);
      // Every pod (the pre-pull pod and the round's) goes to arm64 Linux nodes, where the hook loads.
      const pods = docs.filter((d) => d.kind === 'Pod');
      expect(pods.map((p) => p.metadata.name)).toEqual(['hook-latency-t1-pull', POD]);
      for (const p of pods) expect(p.spec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64', 'kubernetes.io/os': 'linux' });
    });
  });

  it('a hook built here: the pods go to Linux nodes of this machine\'s architecture', async () => {
    script([PULLED, ...kubectlOk([{ stdout: DONE }])]);
    await runOnce(new KubernetesRuntime(config({ runtime: 'kubernetes' }), opts));
    expect(appliedPod().spec.nodeSelector).toEqual({ 'kubernetes.io/arch': process.arch === 'arm64' ? 'arm64' : 'amd64', 'kubernetes.io/os': 'linux' });
  });

  // A Failed pod whose init container exited 1 (kubectl 1.32 -o json, trimmed): the pod itself has no
  // reason or message, only the init container's state and log say what happened.
  it('a join-hook init container that failed: its state and log, not "pod failed ( )"', async () => {
    const waiting = (name: string) => ({ name, state: { waiting: { reason: 'PodInitializing' } } });
    const pod = JSON.parse(podJson({ phase: 'Failed' }, [waiting('sut-baseline'), waiting('sut-candidate'), waiting('loadgen')]));
    pod.status.initContainerStatuses = [{ name: 'join-hook', state: { terminated: { exitCode: 1, reason: 'Error', startedAt: 'x', finishedAt: 'x' } } }];
    const joinLog = 'hook parts joined to sha256 9f2c, expected 4b1a\n';
    script([PULLED, { tool: 'kubectl', match: `logs ${POD} -n ${NS} -c join-hook$`, responses: [{ stdout: joinLog }] }, ...kubectlOk([{ stdout: JSON.stringify(pod) }])]);
    const err = await runOnce(new KubernetesRuntime(config({ runtime: 'kubernetes' }), opts)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect((err as Error).message.split('\npod ')[0]).toBe('round 0: init container join-hook failed (exit 1, Error); its log:\nhook parts joined to sha256 9f2c, expected 4b1a');
    expect((err as Error).message).not.toContain('pod failed (');
  });

  it('needs sut.image', async () => {
    script([]);
    const rt = new KubernetesRuntime(config({ runtime: 'kubernetes', sut: { command: ['/app/sut'] } }), opts);
    await expect(runOnce(rt)).rejects.toThrow('runtime kubernetes needs sut.image');
    expect(lines()).toEqual([]);
  });
});

// The counting pod (src/runtime/pod/count.ts). What `loadgen --count` prints: captured for real from
// hook/build/loadgen against the example SUT with count.so:delay.so preloaded (20 keep-alive requests).
const COUNT_POD = 'hook-latency-t1-count';
const COUNT_OUT = readFileSync(resolve(__dirname, 'fixtures/count-output.txt'), 'utf8');
const COUNT_EXEC = `exec ${COUNT_POD} -n ${NS} -c loadgen -- /loadgen/loadgen --count`;
const countPodJson = (containerStatuses: unknown[]) => JSON.stringify({
  metadata: { name: COUNT_POD, namespace: NS },
  spec: { nodeName: 'kind-control-plane', containers: [{ name: 'sut-candidate', image: 'example.org/sut:1' }, { name: 'loadgen', image: 'example.org/sut:1' }] },
  status: { phase: containerStatuses.every((c) => (c as { state: object }).state && 'running' in (c as { state: object }).state) ? 'Running' : 'Pending', containerStatuses },
});
function countRules(exec: Rule['responses']): Rule[] {
  return [
    PULLED,
    { tool: 'kubectl', match: `get pod ${COUNT_POD} -n ${NS} -o json`, responses: [{ stdout: countPodJson([creating('sut-candidate'), creating('loadgen')]) }, { stdout: countPodJson([running('sut-candidate'), running('loadgen')]) }] },
    { tool: 'kubectl', match: COUNT_EXEC, responses: exec },
    { tool: 'kubectl', match: `logs ${COUNT_POD} -n ${NS} -c sut-candidate`, responses: [{ stdout: 'listening on 127.0.0.1:8081\n' }] },
    ...kubectlOk(),
  ];
}

describe('counting calls per request in a pod (fake kubectl)', () => {
  it('applies the counting pod, execs the counting loadgen, reads calls per request, deletes the pod', async () => {
    script(countRules([{ stdout: COUNT_OUT }]));
    const rt = new KubernetesRuntime(config({ runtime: 'kubernetes' }), opts);
    let counted;
    try {
      counted = await rt.countCalls();
    } finally {
      await rt.teardown();
    }
    // delay.so wraps accept, accept4, close, read and recv; the fixture's totals moved by 21 reads,
    // 2 accept4 and 1 close over 20 requests (the connection's accept, its EAGAIN, one close).
    expect(counted).toEqual({ perRequest: { accept: 0, accept4: 0.1, close: 0.05, read: 1.05, recv: 0 }, requests: 20, method: 'preload' });
    expect(lines().slice(-7)).toEqual([
      `kubectl ${APPLY} -n ${NS} -f -`,
      `kubectl ${APPLY} -n ${NS} -f -`,
      `kubectl get pod ${COUNT_POD} -n ${NS} -o json`,
      `kubectl get pod ${COUNT_POD} -n ${NS} -o json`,
      `kubectl ${COUNT_EXEC}`,
      `kubectl delete pod ${COUNT_POD} -n ${NS} --ignore-not-found --timeout=90s`,
      `kubectl delete namespace ${NS} --ignore-not-found --wait=false`,
    ]);
    const applied = calls().filter((c) => c.argv.includes('apply')).slice(-2).flatMap((c) => parseAllDocuments(c.stdin).map((d) => d.toJS()));
    expect(applied.flatMap(apiLimitProblems)).toEqual([]);
    const pod = applied.find((d) => d.kind === 'Pod');
    expect(pod.metadata.name).toBe(COUNT_POD);
    expect(pod.spec.shareProcessNamespace).toBe(true);
    expect(pod.spec.containers.map((c: { name: string }) => c.name)).toEqual(['sut-candidate', 'loadgen']);
    const env = (c: { env: { name: string; value: string }[] }) => Object.fromEntries(c.env.map((e) => [e.name, e.value]));
    const [sut, loadgen] = pod.spec.containers;
    expect(env(sut).LD_PRELOAD).toBe('/hook-latency/count-preload/count.so:/hook-latency/hook/delay.so');
    expect(env(sut).HOOK_LATENCY_COUNT_FILE).toBe('/hook-latency/count/counts.txt');
    expect(loadgen.command).toEqual(['/loadgen/loadgen', '--idle']);
    expect(loadgen.image).toBe('example.org/sut:1');
    expect(env(loadgen).LOADGEN_CONFIG).toMatch(/^count 400 \/hook-latency\/count\/counts\.txt$/m);
    const preload = applied.find((d) => d.kind === 'ConfigMap' && d.binaryData?.['count.so']);
    expect(Buffer.from(preload.binaryData['count.so'], 'base64').equals(readFileSync(resolve(ROOT, 'hook/build/count.so')))).toBe(true);
  });

  it('a SUT it cannot signal: the loadgen\'s words and the SUT\'s log, and the pod is deleted', async () => {
    const stderr = 'loadgen: cannot signal the SUT: EPERM (does the pod share its process namespace?)\n';
    script(countRules([{ code: 3, stderr }]));
    const rt = new KubernetesRuntime(config({ runtime: 'kubernetes' }), opts);
    const err = await rt.countCalls().catch((e: unknown) => e).finally(() => rt.teardown());
    expect(err).toBeInstanceOf(RunError);
    expect((err as Error).message).toBe(
      `counting calls in ${NS}/${COUNT_POD} failed (exit 3): loadgen: cannot signal the SUT: EPERM (does the pod share its process namespace?); the SUT's log:\nlistening on 127.0.0.1:8081`,
    );
    expect(lines()).toContain(`kubectl delete pod ${COUNT_POD} -n ${NS} --ignore-not-found --timeout=90s`);
  });

  it('kind: the same counting pod in the kind cluster\'s context', async () => {
    script([...KIND_OK, ...countRules([{ stdout: COUNT_OUT }])]);
    const rt = new KindRuntime(config(), opts);
    const counted = await rt.countCalls().finally(() => rt.teardown());
    expect(counted).toMatchObject({ requests: 20, method: 'preload', perRequest: { read: 1.05 } });
    expect(lines()).toContain(K(COUNT_EXEC));
    expect(lines()).toContain(K(`delete pod ${COUNT_POD} -n ${NS} --ignore-not-found --timeout=90s`));
  });
});
