// CPU and memory of the pod's containers (pure). Guaranteed QoS needs requests = limits for CPU
// and memory on every container, init containers included; `cpu: auto` splits what the node can
// still give among the three containers, so a small runner (kind's control plane takes about
// 0.95 CPU of 2) is not asked for more than it has.
import type { PodConfig } from '../../config';
import { RunError, UsageError } from '../../errors';
import type { KubeList, KubeNode, KubePod } from '../../checks';

export interface Quantities {
  cpu?: string;
  memory?: string;
}

export interface PodResources {
  /** Each SUT container (both arms alike). */
  sut: Quantities;
  /** The loadgen and the init containers. */
  loadgen: Quantities;
}

/** Memory of the loadgen when `memory` is set and `loadgen-memory` is not (node holds a round's rows). */
export const LOADGEN_MEMORY = '256Mi';
/** The smallest CPU share `cpu: auto` gives a container. */
const MIN_AUTO_MILLIS = 100;

/** A Kubernetes CPU quantity ("1", "0.5", "500m") in millicores; NaN when it is not one. */
export function cpuMillis(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(q.trim());
  if (!m) return Number.NaN;
  return m[2] ? Number(m[1]) : Math.round(Number(m[1]) * 1000);
}

/** The containers' quantities; `autoCpu` (millicores) replaces `cpu: auto` on all three. */
export function podResources(pod: Pick<PodConfig, 'cpu' | 'memory' | 'loadgenCpu' | 'loadgenMemory'>, autoCpu?: number): PodResources {
  const auto = autoCpu === undefined ? undefined : `${autoCpu}m`;
  const cpu = pod.cpu === 'auto' ? auto : pod.cpu;
  const lgCpu = pod.loadgenCpu === 'auto' ? auto : (pod.loadgenCpu ?? cpu);
  const lgMemory = pod.loadgenMemory ?? (pod.memory ? LOADGEN_MEMORY : undefined);
  return { sut: { cpu, memory: pod.memory }, loadgen: { cpu: lgCpu, memory: lgMemory } };
}

/** True when every container gets CPU and memory with requests = limits: the pod is Guaranteed. */
export function isGuaranteed(r: PodResources): boolean {
  return Boolean(r.sut.cpu && r.sut.memory && r.loadgen.cpu && r.loadgen.memory);
}

/** CPU the pod requests in all (two SUTs and the loadgen; an init container runs before them, alone). */
export function podCpuMillis(r: PodResources): number {
  return 2 * cpuMillis(r.sut.cpu ?? '0') + cpuMillis(r.loadgen.cpu ?? '0');
}

export interface NodeCpu {
  node: string;
  allocatable: number;
  /** Requested by the pods already on the node (not finished). */
  requested: number;
}

function podRequestMillis(p: KubePod): number {
  const sum = (cs: { resources?: { requests?: Record<string, string> } }[] | undefined) =>
    (cs ?? []).map((c) => cpuMillis(c.resources?.requests?.cpu ?? '0')).map((x) => (Number.isNaN(x) ? 0 : x));
  const main = sum(p.spec?.containers).reduce((a, b) => a + b, 0);
  return Math.max(main, ...sum(p.spec?.initContainers));
}

/**
 * `kubectl get nodes -o json` and `kubectl get pods -A -o json` -> the CPU of every node that takes
 * pods (Ready, not cordoned, no NoSchedule/NoExecute taint), most free first.
 */
export function nodeCpu(nodes: KubeList<KubeNode>, pods: KubeList<KubePod>): NodeCpu[] {
  const out: NodeCpu[] = [];
  for (const n of nodes.items ?? []) {
    const name = n.metadata?.name ?? '';
    const ready = n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    const tainted = n.spec?.taints?.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
    const allocatable = cpuMillis(n.status?.allocatable?.cpu ?? '');
    if (!ready || n.spec?.unschedulable || tainted || Number.isNaN(allocatable)) continue;
    const requested = (pods.items ?? [])
      .filter((p) => p.spec?.nodeName === name && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
      .reduce((a, p) => a + podRequestMillis(p), 0);
    out.push({ node: name, allocatable, requested });
  }
  return out.sort((a, b) => b.allocatable - b.requested - (a.allocatable - a.requested));
}

export function describeNode(n: NodeCpu): string {
  return `node ${n.node} has ${n.allocatable}m CPU allocatable, ${n.requested}m requested by its pods, ${n.allocatable - n.requested}m free`;
}

/** `cpu: auto`: each of the three containers gets a third of the freest node's free CPU (10m steps). */
export function autoCpuMillis(nodes: NodeCpu[]): number {
  const best = nodes[0];
  if (!best) throw new RunError('cpu: auto: no node takes pods (none is Ready, untainted and schedulable)');
  const share = Math.floor((best.allocatable - best.requested) / 3 / 10) * 10;
  if (share < MIN_AUTO_MILLIS) {
    throw new RunError(`cpu: auto: ${describeNode(best)}; the pod's three containers need at least ${3 * MIN_AUTO_MILLIS}m`);
  }
  return share;
}

/** Fails fast, naming the numbers, when no node has the CPU the pod requests. */
export function checkCpuFits(r: PodResources, nodes: NodeCpu[]): void {
  const want = podCpuMillis(r);
  const best = nodes[0];
  if (!best || want <= best.allocatable - best.requested) return;
  throw new UsageError(
    `the pod requests ${want}m CPU (2 x cpu ${r.sut.cpu ?? '0'} + loadgen ${r.loadgen.cpu ?? '0'}) but ${describeNode(best)}: lower cpu, or set cpu: auto`,
  );
}
