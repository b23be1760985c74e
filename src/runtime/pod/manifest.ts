// The one Pod manifest shared by the podman, kind and kubernetes runtimes (pure: no I/O).
// Containers sut-baseline, sut-candidate and loadgen share the pod's network namespace, so the
// two SUTs listen on different ports of localhost. The hook(s) and the native load generator
// (hook/loadgen.c, static: it runs in the SUT's own image, so a pod needs no loadgen image) come by
// ConfigMap (binaryData: byte-exact), mounted read-only; a hook larger than one ConfigMap may hold
// comes in parts, joined into an emptyDir by an init container (the loadgen's --join, also in the
// SUT's image). LD_PRELOAD is set on the SUT containers only. restartPolicy Never (else the loadgen restarts forever) and no `ports:` (podman
// publishes them on the host).
import { createHash } from 'node:crypto';
import type { ConfigMap, Container, Pod, ResourceRequirements, Volume, VolumeMount } from 'kubernetes-types/core/v1';
import { stringify } from 'yaml';
import type { LoadgenConfig } from '../../loadgen/config';
import { loadgenConfigText } from '../../loadgen/native-config';
import type { PodResources, Quantities } from './resources';

export const POD_LABELS = {
  name: 'app.kubernetes.io/name',
  run: 'hook-latency/run',
  round: 'hook-latency/round',
} as const;
const APP_NAME = 'hook-latency';
export const CONTAINERS = { baseline: 'sut-baseline', candidate: 'sut-candidate', loadgen: 'loadgen' } as const;
/** Where the hook ConfigMaps are mounted in the SUT containers. */
export const HOOK_DIRS = { baseline: '/hook-latency/baseline-hook', candidate: '/hook-latency/hook' } as const;
const LOADGEN_DIR = '/loadgen';
const LOADGEN_FILE = 'loadgen';
/** The load generator inside every container that runs it. */
export const LOADGEN_PATH = `${LOADGEN_DIR}/${LOADGEN_FILE}`;
/** Where an init container finds the parts of a large hook (one mount per part). */
const PARTS_DIR = '/hook-latency/parts';
/**
 * Bytes of a hook per ConfigMap. The API server refuses a ConfigMap whose data exceeds 1 MiB
 * (1048576 bytes, keys included); 768 KiB leaves room for the keys and keeps the JSON request
 * (base64, +33 %) near 1 MiB, under etcd's default 1.5 MiB request limit.
 */
export const HOOK_PART_BYTES = 768 * 1024;
/** emptyDir shared by the loadgen (writes) and the SUT containers (read-only) for large outputs. */
const OUT_DIR = '/hook-latency/out';
export const OUT_FILE = `${OUT_DIR}/samples.csv`;

export interface HookAsset {
  /** File name inside the mount, e.g. "delay.so". */
  fileName: string;
  data: Uint8Array;
}

export interface PodPlan {
  runId: string;
  round: number;
  namespace?: string;
  sut: {
    image: string;
    /** argv; `{port}` and `$(PORT)` are replaced by the container's port; empty = the image's entrypoint. */
    command: string[];
    env: Record<string, string>;
    ports: { baseline: number; candidate: number };
    imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  };
  hook?: HookAsset;
  baselineHook?: HookAsset;
  loadgen: {
    /** The static hook/build/loadgen for the nodes' architecture. */
    binary: Uint8Array;
    /**
     * podman: mount this host file instead of the ConfigMap's copy, whose files podman before 4.4
     * creates without the execute bit (it ignores defaultMode).
     */
    hostPath?: string;
    /** Its config (docs/contracts.md), passed as LOADGEN_CONFIG. */
    config: LoadgenConfig;
    /**
     * Write the CSV to OUT_FILE in an emptyDir instead of stdout; the runtime reads it with
     * `kubectl exec <sut container> -- cat` (container logs are rotated, an exec stream is not).
     */
    outputFile?: boolean;
  };
  /** requests = limits per container (resources.ts): Guaranteed QoS when every one has CPU and memory. */
  resources?: PodResources;
  /** Seconds the kubelet waits after SIGTERM when the pod is deleted. */
  terminationGracePeriodSeconds?: number;
}

export interface PodManifest {
  pod: Pod;
  configMaps: ConfigMap[];
}

/** DNS-1123 label: lower-case alphanumerics and '-', at most 63 characters. */
export function dnsLabel(s: string): string {
  const out = s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return out || 'x';
}

export function podName(runId: string, round: number): string {
  return dnsLabel(`hook-latency-${runId}-r${round}`);
}

export function configMapNames(runId: string): { loadgen: string; hook: string; baselineHook: string } {
  return {
    loadgen: dnsLabel(`hook-latency-${runId}-loadgen`),
    hook: dnsLabel(`hook-latency-${runId}-hook`),
    baselineHook: dnsLabel(`hook-latency-${runId}-baseline-hook`),
  };
}

/** The ConfigMap holding part `i` of a hook too large for one. */
export function hookPartName(hookConfigMap: string, i: number): string {
  return dnsLabel(`${hookConfigMap}-${i}`);
}

export function podLabels(runId: string, round?: number): Record<string, string> {
  const labels: Record<string, string> = { [POD_LABELS.name]: APP_NAME, [POD_LABELS.run]: runId };
  if (round !== undefined) labels[POD_LABELS.round] = String(round);
  return labels;
}

/** Path of the hook as the SUT process maps it (the mount dir plus the file name). */
function hookPath(arm: 'baseline' | 'candidate', hook: HookAsset): string {
  return `${HOOK_DIRS[arm]}/${hook.fileName}`;
}

function base64(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

function substitutePort(argv: string[], port: number): string[] {
  return argv.map((a) => a.replaceAll('{port}', String(port)).replaceAll('$(PORT)', String(port)));
}

function sutContainer(plan: PodPlan, arm: 'baseline' | 'candidate', hook: HookAsset | undefined, volume: string): Container {
  const port = plan.sut.ports[arm];
  const env: Record<string, string> = { ...plan.sut.env, PORT: String(port) };
  if (hook) env.LD_PRELOAD = hookPath(arm, hook);
  else delete env.LD_PRELOAD;
  const container: Container = {
    name: CONTAINERS[arm],
    image: plan.sut.image,
    // No command: the image's own entrypoint (it must honour PORT or take {port} in its args).
    ...(plan.sut.command.length ? { command: substitutePort(plan.sut.command, port) } : {}),
    env: Object.entries(env).map(([name, value]) => ({ name, value })),
  };
  if (plan.sut.imagePullPolicy) container.imagePullPolicy = plan.sut.imagePullPolicy;
  const res = resources(plan.resources?.sut);
  if (res) container.resources = res;
  const mounts: VolumeMount[] = [];
  if (hook) mounts.push({ name: volume, mountPath: HOOK_DIRS[arm], readOnly: true });
  // Both arms alike, so the output volume is no difference between them.
  if (plan.loadgen.outputFile) mounts.push({ name: 'out', mountPath: OUT_DIR, readOnly: true });
  if (mounts.length) container.volumeMounts = mounts;
  return container;
}

function resources(r: Quantities | undefined): ResourceRequirements | undefined {
  if (!r || (!r.cpu && !r.memory)) return undefined;
  const q: Record<string, string> = {};
  if (r.cpu) q.cpu = r.cpu;
  if (r.memory) q.memory = r.memory;
  return { requests: { ...q }, limits: { ...q } };
}

interface HookDelivery {
  configMaps: ConfigMap[];
  volumes: Volume[];
  initContainers: Container[];
}

/**
 * The hook as volume `volume` (mounted at HOOK_DIRS[arm] in the SUT container): one ConfigMap when
 * it fits, else HOOK_PART_BYTES parts in ConfigMaps of their own, joined into an emptyDir by an
 * init container running `loadgen --join OUT SHA256 PART...` in the SUT's image.
 */
function hookDelivery(plan: PodPlan, arm: 'baseline' | 'candidate', volume: string, cmName: string, hook: HookAsset, meta: (name: string) => Record<string, unknown>): HookDelivery {
  const bytes = Buffer.from(hook.data.buffer, hook.data.byteOffset, hook.data.byteLength);
  if (bytes.length <= HOOK_PART_BYTES) {
    return {
      configMaps: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(cmName), binaryData: { [hook.fileName]: base64(bytes) } }],
      volumes: [{ name: volume, configMap: { name: cmName, defaultMode: 0o555 } }],
      initContainers: [],
    };
  }
  const out: HookDelivery = { configMaps: [], volumes: [{ name: volume, emptyDir: {} }], initContainers: [] };
  const mounts: VolumeMount[] = [{ name: volume, mountPath: HOOK_DIRS[arm] }, loadgenMount(plan)];
  const parts: string[] = [];
  for (let i = 0, off = 0; off < bytes.length; i++, off += HOOK_PART_BYTES) {
    const name = hookPartName(cmName, i);
    const key = `${hook.fileName}.${i}`;
    out.configMaps.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name), binaryData: { [key]: base64(bytes.subarray(off, off + HOOK_PART_BYTES)) } });
    out.volumes.push({ name: `${volume}-${i}`, configMap: { name } });
    mounts.push({ name: `${volume}-${i}`, mountPath: `${PARTS_DIR}/${volume}/${i}`, readOnly: true });
    parts.push(`${PARTS_DIR}/${volume}/${i}/${key}`);
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  const init: Container = {
    name: `join-${volume}`,
    image: plan.sut.image,
    command: [LOADGEN_PATH, '--join', hookPath(arm, hook), sha, ...parts],
    volumeMounts: mounts,
  };
  if (plan.sut.imagePullPolicy) init.imagePullPolicy = plan.sut.imagePullPolicy;
  const res = resources(plan.resources?.loadgen);
  if (res) init.resources = res;
  out.initContainers.push(init);
  return out;
}

/** The loadgen's volume: its ConfigMap, or (podman) the host's file. */
function loadgenMount(plan: PodPlan): VolumeMount {
  return plan.loadgen.hostPath
    ? { name: 'loadgen', mountPath: LOADGEN_PATH, readOnly: true }
    : { name: 'loadgen', mountPath: LOADGEN_DIR, readOnly: true };
}

export function buildPodManifest(plan: PodPlan): PodManifest {
  const names = configMapNames(plan.runId);
  const meta = (name: string, labels: Record<string, string>) => ({
    name,
    ...(plan.namespace ? { namespace: plan.namespace } : {}),
    labels,
  });
  const configMaps: ConfigMap[] = [];
  const volumes: Volume[] = [];
  if (plan.loadgen.hostPath) volumes.push({ name: 'loadgen', hostPath: { path: plan.loadgen.hostPath, type: 'File' } });
  else {
    configMaps.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(names.loadgen, podLabels(plan.runId)), binaryData: { [LOADGEN_FILE]: base64(plan.loadgen.binary) } });
    volumes.push({ name: 'loadgen', configMap: { name: names.loadgen, defaultMode: 0o555 } });
  }
  const initContainers: Container[] = [];
  const hookVolume = (arm: 'baseline' | 'candidate', volume: string, cmName: string, hook: HookAsset) => {
    const d = hookDelivery(plan, arm, volume, cmName, hook, (name) => meta(name, podLabels(plan.runId)));
    configMaps.push(...d.configMaps);
    volumes.push(...d.volumes);
    initContainers.push(...d.initContainers);
  };
  if (plan.hook) hookVolume('candidate', 'hook', names.hook, plan.hook);
  if (plan.baselineHook) hookVolume('baseline', 'baseline-hook', names.baselineHook, plan.baselineHook);
  const lgConfig = plan.loadgen.outputFile ? { ...plan.loadgen.config, out: OUT_FILE } : plan.loadgen.config;
  const lgMounts: VolumeMount[] = [loadgenMount(plan)];
  if (plan.loadgen.outputFile) {
    volumes.push({ name: 'out', emptyDir: {} });
    lgMounts.push({ name: 'out', mountPath: OUT_DIR });
  }
  // The SUT's own image: the loadgen is static, so the image only has to be there (no pull of
  // another image); its entrypoint is never used.
  const loadgen: Container = {
    name: CONTAINERS.loadgen,
    image: plan.sut.image,
    command: [LOADGEN_PATH],
    env: [{ name: 'LOADGEN_CONFIG', value: loadgenConfigText(lgConfig) }],
    volumeMounts: lgMounts,
  };
  if (plan.sut.imagePullPolicy) loadgen.imagePullPolicy = plan.sut.imagePullPolicy;
  const lgResources = resources(plan.resources?.loadgen);
  if (lgResources) loadgen.resources = lgResources;
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(podName(plan.runId, plan.round), podLabels(plan.runId, plan.round)),
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: plan.terminationGracePeriodSeconds ?? 2,
      automountServiceAccountToken: false,
      ...(initContainers.length ? { initContainers } : {}),
      containers: [
        sutContainer(plan, 'baseline', plan.baselineHook, 'baseline-hook'),
        sutContainer(plan, 'candidate', plan.hook, 'hook'),
        loadgen,
      ],
      volumes,
    },
  };
  return { pod, configMaps };
}

/**
 * Multi-document YAML (ConfigMaps first, then the Pod). Every string is quoted, so env names such
 * as "N" or "ON" and values such as "true" or "0755" are never read back as YAML 1.1 booleans or
 * numbers by podman's or kubectl's parser.
 */
export function toYaml(manifest: PodManifest | object[]): string {
  const docs = Array.isArray(manifest) ? manifest : [...manifest.configMaps, manifest.pod];
  return docs
    .map((d) => stringify(d, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 }))
    .join('---\n');
}
