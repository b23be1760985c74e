// Recommendation 4: other workloads on the node compete for CPU, caches and the network.
import type { Check } from '../types';
import type { KubeList, KubePod } from './kube-types';

const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage'];

/**
 * `kubectl get pods -A --field-selector spec.nodeName=NODE -o json` -> check; `own` = our pod names.
 * `pods` undefined: the list could not be read (`why`), so tenancy is not measured.
 */
export function nodeTenancyCheck(node: string, pods: KubeList<KubePod> | undefined, own: string[], why = ''): Check {
  if (!pods) return { id: 'node-tenancy', status: 'pass', detail: `not measured (cannot list pods on node ${node}: ${why})` };
  const others = (pods.items ?? []).filter((p) => {
    const ns = p.metadata?.namespace ?? '';
    const phase = p.status?.phase ?? '';
    return !SYSTEM_NAMESPACES.includes(ns) && !own.includes(p.metadata?.name ?? '') && phase !== 'Succeeded' && phase !== 'Failed';
  });
  // kind (and any single-node cluster) runs the control plane on the node the SUTs run on.
  const controlPlane = (pods.items ?? []).filter(isControlPlane);
  if (others.length === 0 && controlPlane.length > 0) {
    const names = controlPlane.map((p) => p.metadata?.name).join(', ');
    return {
      id: 'node-tenancy',
      status: 'warn',
      detail: `node ${node} also runs the Kubernetes control plane (${names}): it shares the node's CPUs with the SUTs and adds variance`,
    };
  }
  if (others.length === 0) {
    return { id: 'node-tenancy', status: 'pass', detail: `no other (non-system) workloads on node ${node}` };
  }
  const sample = others.slice(0, 5).map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`).join(', ');
  return {
    id: 'node-tenancy',
    status: 'warn',
    detail: `${others.length} other workload pod(s) share node ${node} (${sample}${others.length > 5 ? ', ...' : ''}): noisy neighbours add variance`,
  };
}

/** kubeadm's static control-plane pods: label tier=control-plane (kube-apiserver, etcd, controller-manager, scheduler). */
function isControlPlane(p: KubePod): boolean {
  const phase = p.status?.phase ?? '';
  return p.metadata?.namespace === 'kube-system' && p.metadata?.labels?.tier === 'control-plane' && phase !== 'Succeeded' && phase !== 'Failed';
}
