// The one Pod manifest shared by the podman, kind and kubernetes runtimes (pure: no I/O).
// Containers sut-baseline, sut-candidate and loadgen share the pod's network namespace, so the
// two SUTs listen on different ports of localhost. The hook(s) and the bundled loadgen script come
// by ConfigMap (binaryData: byte-exact), mounted read-only; LD_PRELOAD is set on the SUT
// containers only. restartPolicy Never (else the loadgen restarts forever) and no `ports:` (podman
// publishes them on the host).
import type { ConfigMap, Container, Pod, ResourceRequirements, Volume, VolumeMount } from 'kubernetes-types/core/v1';
import { stringify } from 'yaml';

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
const LOADGEN_SCRIPT = 'loadgen.js';
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
    image: string;
    /** The bundled dist/loadgen.js (an ES module). */
    script: Uint8Array;
    /** The standalone loadgen's config (src/loadgen/config.ts), passed as LOADGEN_CONFIG. */
    config: Record<string, unknown>;
    /**
     * Write the CSV to OUT_FILE in an emptyDir instead of stdout; the runtime reads it with
     * `kubectl exec <sut container> -- cat` (container logs are rotated, an exec stream is not).
     */
    outputFile?: boolean;
    imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  };
  /** Equal for both SUT containers; requests = limits, so Guaranteed QoS when both are set. */
  resources?: { cpu?: string; memory?: string };
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
  const res = resources(plan.resources);
  if (res) container.resources = res;
  const mounts: VolumeMount[] = [];
  if (hook) mounts.push({ name: volume, mountPath: HOOK_DIRS[arm], readOnly: true });
  // Both arms alike, so the output volume is no difference between them.
  if (plan.loadgen.outputFile) mounts.push({ name: 'out', mountPath: OUT_DIR, readOnly: true });
  if (mounts.length) container.volumeMounts = mounts;
  return container;
}

function resources(r: PodPlan['resources']): ResourceRequirements | undefined {
  if (!r || (!r.cpu && !r.memory)) return undefined;
  const q: Record<string, string> = {};
  if (r.cpu) q.cpu = r.cpu;
  if (r.memory) q.memory = r.memory;
  return { requests: { ...q }, limits: { ...q } };
}

export function buildPodManifest(plan: PodPlan): PodManifest {
  const names = configMapNames(plan.runId);
  const meta = (name: string, labels: Record<string, string>) => ({
    name,
    ...(plan.namespace ? { namespace: plan.namespace } : {}),
    labels,
  });
  const configMaps: ConfigMap[] = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(names.loadgen, podLabels(plan.runId)),
      // package.json makes node treat the bundled ES module as one, whatever the Node version.
      data: { 'package.json': '{"type":"module"}\n' },
      binaryData: { [LOADGEN_SCRIPT]: base64(plan.loadgen.script) },
    },
  ];
  const volumes: Volume[] = [{ name: 'loadgen', configMap: { name: names.loadgen } }];
  const hookVolume = (volume: string, cmName: string, hook: HookAsset) => {
    configMaps.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(cmName, podLabels(plan.runId)),
      binaryData: { [hook.fileName]: base64(hook.data) },
    });
    volumes.push({ name: volume, configMap: { name: cmName, defaultMode: 0o555 } });
  };
  if (plan.hook) hookVolume('hook', names.hook, plan.hook);
  if (plan.baselineHook) hookVolume('baseline-hook', names.baselineHook, plan.baselineHook);
  const lgConfig = plan.loadgen.outputFile ? { ...plan.loadgen.config, out: OUT_FILE } : plan.loadgen.config;
  const lgMounts: VolumeMount[] = [{ name: 'loadgen', mountPath: LOADGEN_DIR, readOnly: true }];
  if (plan.loadgen.outputFile) {
    volumes.push({ name: 'out', emptyDir: {} });
    lgMounts.push({ name: 'out', mountPath: OUT_DIR });
  }
  const loadgen: Container = {
    name: CONTAINERS.loadgen,
    image: plan.loadgen.image,
    command: ['node', `${LOADGEN_DIR}/${LOADGEN_SCRIPT}`],
    env: [{ name: 'LOADGEN_CONFIG', value: JSON.stringify(lgConfig) }],
    volumeMounts: lgMounts,
  };
  if (plan.loadgen.imagePullPolicy) loadgen.imagePullPolicy = plan.loadgen.imagePullPolicy;
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(podName(plan.runId, plan.round), podLabels(plan.runId, plan.round)),
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: plan.terminationGracePeriodSeconds ?? 2,
      automountServiceAccountToken: false,
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
