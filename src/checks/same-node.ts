// Recommendation 2: when the pods are split, they must at least share a node.
import type { Check } from '../types';
import type { KubePod } from './kube-types';

export function sameNodeCheck(pods: KubePod[]): Check {
  const nodes = new Map<string, string[]>();
  for (const p of pods) {
    const node = p.spec?.nodeName ?? '(unscheduled)';
    nodes.set(node, [...(nodes.get(node) ?? []), p.metadata?.name ?? '?']);
  }
  if (nodes.size <= 1) {
    return { id: 'same-node', status: 'pass', detail: `all pods ran on node ${[...nodes.keys()][0] ?? '(none)'}` };
  }
  const where = [...nodes].map(([n, ps]) => `${ps.join(', ')} on ${n}`).join('; ');
  return { id: 'same-node', status: 'warn', detail: `the pods ran on different nodes (${where}): cross-node network latency enters the samples` };
}
