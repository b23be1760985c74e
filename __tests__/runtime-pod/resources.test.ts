// CPU quantities and the nodes' free CPU (pure).
import { describe, expect, it } from 'vitest';
import { autoCpuMillis, cpuMillis, nodeCpu } from '../../src/runtime/pod/resources';
import { quietMs } from '../../src/runtime/kubernetes/kubernetes';

const node = (name: string, cpu: string, extra: Record<string, unknown> = {}, ready = 'True') => ({
  metadata: { name },
  spec: extra,
  status: { allocatable: { cpu }, conditions: [{ type: 'Ready', status: ready }] },
});
const pod = (nodeName: string, cpus: string[], phase = 'Running', init: string[] = []) => ({
  spec: { nodeName, containers: cpus.map((cpu, i) => ({ name: `c${i}`, resources: { requests: { cpu } } })), initContainers: init.map((cpu) => ({ name: 'i', resources: { requests: { cpu } } })) },
  status: { phase },
});

describe('pod/resources', () => {
  it('CPU quantities in millicores', () => {
    expect([cpuMillis('1'), cpuMillis('0.5'), cpuMillis('250m'), cpuMillis('2.25'), cpuMillis('7910m')]).toEqual([1000, 500, 250, 2250, 7910]);
    expect(cpuMillis('1 core')).toBeNaN();
  });

  it('free CPU per node: only Ready, schedulable, untainted nodes; finished pods and init containers counted as the scheduler does', () => {
    const nodes = {
      items: [
        node('a', '4'),
        node('cp', '8', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }),
        node('cordoned', '8', { unschedulable: true }),
        node('down', '8', {}, 'False'),
        node('b', '2'),
      ],
    };
    const pods = { items: [pod('a', ['500m', '1']), pod('a', ['2'], 'Succeeded'), pod('b', ['100m'], 'Running', ['1500m']), pod('cp', ['1'])] };
    // a: 4000 - 1500 = 2500 free; b: 2000 - max(100, 1500) = 500 free.
    expect(nodeCpu(nodes, pods)).toEqual([
      { node: 'a', allocatable: 4000, requested: 1500 },
      { node: 'b', allocatable: 2000, requested: 1500 },
    ]);
    expect(autoCpuMillis(nodeCpu(nodes, pods))).toBe(830);
    expect(() => autoCpuMillis([{ node: 'x', allocatable: 2000, requested: 1750 }])).toThrow(
      'cpu: auto: node x has 2000m CPU allocatable, 1750m requested by its pods, 250m free; the pod\'s three containers need at least 300m',
    );
  });

  it('polling stays quiet for 80 % of the shortest earlier round, not at all before one was timed', () => {
    expect(quietMs([])).toBe(0);
    expect(quietMs([5000, 4000, 6000])).toBe(3200);
  });
});
