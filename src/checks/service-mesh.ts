// Recommendation 3: a service-mesh sidecar adds its own latency (and hooks) to every request.
import type { Check } from '../types';
import type { KubeMeta, KubeNamespace, KubePod } from './kube-types';

const SIDECAR_NAMES = ['istio-proxy', 'linkerd-proxy', 'envoy'] as const;

const INJECT: { key: string; on: (v: string) => boolean; where: 'annotation' | 'label' }[] = [
  { key: 'sidecar.istio.io/inject', on: (v) => v === 'true', where: 'annotation' },
  { key: 'sidecar.istio.io/inject', on: (v) => v === 'true', where: 'label' },
  { key: 'istio-injection', on: (v) => v === 'enabled', where: 'label' },
  { key: 'istio.io/rev', on: (v) => v !== '', where: 'label' },
  { key: 'linkerd.io/inject', on: (v) => v === 'enabled' || v === 'ingress', where: 'annotation' },
];

function injectionMarks(meta: KubeMeta | undefined, what: string): string[] {
  const out: string[] = [];
  for (const m of INJECT) {
    const v = (m.where === 'annotation' ? meta?.annotations : meta?.labels)?.[m.key];
    if (v !== undefined && m.on(v)) out.push(`${what} ${m.where} ${m.key}=${v}`);
  }
  return out;
}

export function serviceMeshCheck(pod: KubePod, namespace?: KubeNamespace): Check {
  const names = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].map((c) => c.name);
  const sidecars = names.filter((n) => SIDECAR_NAMES.some((s) => n === s || n.startsWith(`${s}-`)));
  const marks = [...injectionMarks(pod.metadata, 'pod'), ...injectionMarks(namespace?.metadata, 'namespace')];
  if (sidecars.length === 0 && marks.length === 0) {
    return { id: 'service-mesh', status: 'pass', detail: 'no service-mesh sidecar or injection marker on the pod or its namespace' };
  }
  const parts = [...(sidecars.length ? [`sidecar container(s) ${sidecars.join(', ')}`] : []), ...marks];
  return { id: 'service-mesh', status: 'warn', detail: `service mesh present (${parts.join('; ')}): its proxy adds latency to both arms and may mask the hook` };
}
