// The counting pod (podman, kind, kubernetes): one extra, unmeasured pod after the gate that counts
// the candidate's hooked calls per request with the counting preload (hook/count.c), no ptrace.
// The round's manifest, transformed: the baseline goes; the candidate gets count.so (by ConfigMap,
// like the hook) in front of the hook in LD_PRELOAD and an emptyDir for its counts; the loadgen
// idles until the runtime execs `loadgen --count` in it (hook/loadgen.c), which signals the SUT
// (the pod shares one PID namespace) and prints the snapshots around its requests.
import type { ConfigMap, Container, Pod, Volume } from 'kubernetes-types/core/v1';
import { COUNT_FILE_ENV } from '../../cost/count-preload';
import { parseCountFile, perRequestBetween } from '../../cost/count-file';
import { RunError } from '../../errors';
import { loadgenConfigText } from '../../loadgen/native-config';
import { buildPodManifest, configMapNames, CONTAINERS, dnsLabel, LOADGEN_PATH, podLabels, type PodManifest, type PodPlan } from './manifest';

/** The markers `loadgen --count` prints before each snapshot. */
const COUNT_BEFORE = 'counts-before';
const COUNT_AFTER = 'counts-after';

const PRELOAD_DIR = '/hook-latency/count-preload';
const PRELOAD_FILE = 'count.so';
const COUNT_DIR = '/hook-latency/count';
export const COUNT_FILE = `${COUNT_DIR}/counts.txt`;
/** Run in the loadgen container (`podman exec` / `kubectl exec -c loadgen`); its env has the config. */
export const COUNT_COMMAND = [LOADGEN_PATH, '--count'];
/** Keeps the loadgen container up (and idle) until the runtime's exec. */
const IDLE = [LOADGEN_PATH, '--idle'];

export function countPodName(runId: string): string {
  return dnsLabel(`hook-latency-${runId}-count`);
}

export function countPreloadConfigMapName(runId: string): string {
  return configMapNames(runId).loadgen.replace(/-loadgen$/, '-count-preload');
}

function withEnv(c: Container, name: string, value: string): void {
  c.env = [...(c.env ?? []).filter((e) => e.name !== name), { name, value }];
}

function container(pod: Pod, name: string): Container {
  const c = pod.spec?.containers.find((x) => x.name === name);
  if (!c) throw new Error(`the pod has no ${name} container`);
  return c;
}

/** The counting pod: the round-0 plan's candidate and loadgen, `requests` sequential requests. */
export function countingPodManifest(plan: PodPlan, countSo: Uint8Array, requests: number): PodManifest {
  const built = buildPodManifest({ ...plan, baselineHook: undefined, loadgen: { ...plan.loadgen, outputFile: false } });
  const pod = built.pod;
  const spec = pod.spec as NonNullable<Pod['spec']>;
  pod.metadata = { ...pod.metadata, name: countPodName(plan.runId), labels: podLabels(plan.runId) };
  spec.containers = spec.containers.filter((c) => c.name !== CONTAINERS.baseline);
  spec.shareProcessNamespace = true;

  const cmName = countPreloadConfigMapName(plan.runId);
  const configMap: ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: cmName, ...(plan.namespace ? { namespace: plan.namespace } : {}), labels: podLabels(plan.runId) },
    binaryData: { [PRELOAD_FILE]: Buffer.from(countSo).toString('base64') },
  };
  const volumes: Volume[] = [
    { name: 'count-preload', configMap: { name: cmName, defaultMode: 0o555 } },
    { name: 'count', emptyDir: {} },
  ];
  spec.volumes = [...(spec.volumes ?? []), ...volumes];

  const sut = container(pod, CONTAINERS.candidate);
  const hook = sut.env?.find((e) => e.name === 'LD_PRELOAD')?.value;
  withEnv(sut, 'LD_PRELOAD', hook ? `${PRELOAD_DIR}/${PRELOAD_FILE}:${hook}` : `${PRELOAD_DIR}/${PRELOAD_FILE}`);
  withEnv(sut, COUNT_FILE_ENV, COUNT_FILE);
  sut.volumeMounts = [...(sut.volumeMounts ?? []), { name: 'count-preload', mountPath: PRELOAD_DIR, readOnly: true }, { name: 'count', mountPath: COUNT_DIR }];

  const loadgen = container(pod, CONTAINERS.loadgen);
  loadgen.command = IDLE;
  withEnv(loadgen, 'LOADGEN_CONFIG', loadgenConfigText({ ...plan.loadgen.config, count: { requests, file: COUNT_FILE } }));
  // Read-write: the loadgen removes the old snapshot before asking for the next.
  loadgen.volumeMounts = [...(loadgen.volumeMounts ?? []), { name: 'count', mountPath: COUNT_DIR }];
  return { pod, configMaps: [...built.configMaps, configMap] };
}

/** Calls per request from what COUNT_COMMAND printed. */
export function countsFromOutput(stdout: string, functions: string[], where: string): { perRequest: Record<string, number>; requests: number } {
  const at = (marker: string) => stdout.indexOf(`${marker}\n`);
  const b = at(COUNT_BEFORE);
  const a = at(COUNT_AFTER);
  const n = /^requests (\d+)$/m.exec(stdout);
  const before = b >= 0 && a > b ? parseCountFile(stdout.slice(b + COUNT_BEFORE.length + 1, a)) : null;
  const after = a >= 0 && n ? parseCountFile(stdout.slice(a + COUNT_AFTER.length + 1, n.index)) : null;
  if (!before || !after || !n) throw new RunError(`${where}: the counting loadgen printed no complete counts: ${stdout.trim().split('\n').slice(-3).join(' | ') || '(nothing)'}`);
  const requests = Number(n[1]);
  return { perRequest: perRequestBetween(before, after, functions, requests), requests };
}
