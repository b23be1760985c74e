// The recommendations as checks: pure functions over what the runtimes collect (kubectl JSON, cgroups).
import { describe, expect, it } from 'vitest';
import { cpuThrottlingCheck, memoryLimitCheck, nodeTenancyCheck, parseCpuStat, parseLimit, sameNodeCheck, samePodCheck, serviceMeshCheck } from '../../src/checks';

describe('checks', () => {
  it('same pod (1)', () => {
    expect(samePodCheck({ name: 'p', containers: ['sut-baseline', 'sut-candidate', 'loadgen'] }).status).toBe('pass');
    expect(samePodCheck({ name: 'p', containers: [] }, true).status).toBe('fail');
    expect(samePodCheck({ name: 'p', containers: [] }, true, true).status).toBe('warn');
  });

  it('same node (2)', () => {
    const pod = (name: string, nodeName: string) => ({ metadata: { name }, spec: { nodeName, containers: [] } });
    expect(sameNodeCheck([pod('a', 'n1'), pod('b', 'n1')])).toMatchObject({ id: 'same-node', status: 'pass' });
    const c = sameNodeCheck([pod('loadgen', 'n1'), pod('sut', 'n2')]);
    expect(c.status).toBe('warn');
    expect(c.detail).toContain('loadgen on n1; sut on n2');
  });

  it('service mesh (3): sidecars, pod annotations, namespace labels', () => {
    const pod = (containers: string[], annotations: Record<string, string> = {}) => ({ metadata: { annotations }, spec: { containers: containers.map((name) => ({ name })) } });
    expect(serviceMeshCheck(pod(['sut-baseline', 'loadgen'])).status).toBe('pass');
    expect(serviceMeshCheck(pod(['sut', 'istio-proxy'])).detail).toContain('sidecar container(s) istio-proxy');
    expect(serviceMeshCheck(pod(['sut', 'linkerd-proxy'])).status).toBe('warn');
    expect(serviceMeshCheck(pod(['sut', 'envoy'])).status).toBe('warn');
    expect(serviceMeshCheck(pod(['sut'], { 'sidecar.istio.io/inject': 'true' })).detail).toContain('pod annotation sidecar.istio.io/inject=true');
    expect(serviceMeshCheck(pod(['sut'], { 'sidecar.istio.io/inject': 'false' })).status).toBe('pass');
    expect(serviceMeshCheck(pod(['sut']), { metadata: { labels: { 'istio-injection': 'enabled' } } }).detail).toContain('namespace label istio-injection=enabled');
    expect(serviceMeshCheck(pod(['sut']), { metadata: { annotations: { 'linkerd.io/inject': 'enabled' } } }).status).toBe('warn');
  });

  it('other workloads on the node (4): system namespaces, our pods and finished pods do not count', () => {
    const p = (namespace: string, name: string, phase = 'Running') => ({ metadata: { namespace, name }, status: { phase } });
    const items = [p('kube-system', 'coredns'), p('hl', 'ours'), p('default', 'done', 'Succeeded'), p('local-path-storage', 'lp')];
    expect(nodeTenancyCheck('n1', { items }, ['ours']).status).toBe('pass');
    const c = nodeTenancyCheck('n1', { items: [...items, p('shop', 'web-1'), p('shop', 'db-0')] }, ['ours']);
    expect(c).toEqual({ id: 'node-tenancy', status: 'warn', detail: '2 other workload pod(s) share node n1 (shop/web-1, shop/db-0): noisy neighbours add variance' });
    expect(nodeTenancyCheck('n1', undefined, ['ours'], 'forbidden')).toEqual({ id: 'node-tenancy', status: 'pass', detail: 'not measured (cannot list pods on node n1: forbidden)' });
  });

  it('CPU throttling and memory near the limit (8)', () => {
    expect(parseCpuStat('nr_periods 10\nnr_throttled 3\nthrottled_time 99\n')).toEqual({ nr_periods: 10, nr_throttled: 3, throttled_time: 99 });
    expect(cpuThrottlingCheck([{ container: 'a' }], 0).detail).toMatch(/^not measured/);
    expect(cpuThrottlingCheck([{ container: 'a', before: 2, after: 2 }], 0).status).toBe('pass');
    const t = cpuThrottlingCheck([{ container: 'a', before: 2, after: 2 }, { container: 'sut-candidate', before: 1, after: 6 }], 3);
    expect(t).toEqual({ id: 'cpu-throttling', status: 'warn', detail: 'round 3: CPU throttled (cgroup nr_throttled grew: sut-candidate +5); raise the cpu limit or drop it' });
    expect(memoryLimitCheck([{ container: 'a', usage: 5 }], 0).status).toBe('pass');
    expect(memoryLimitCheck([{ container: 'a', usage: 50, limit: 100 }], 0).detail).toBe('SUT memory at most 50 % of its limit');
    expect(memoryLimitCheck([{ container: 'a', usage: 95, limit: 100 }], 1)).toMatchObject({ status: 'warn', detail: 'round 1: a at 95 % of the memory limit' });
    expect(parseLimit('max\n')).toBeUndefined();
    expect(parseLimit('9223372036854771712')).toBeUndefined();
    expect(parseLimit('67108864\n')).toBe(67108864);
  });
});
