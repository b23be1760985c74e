import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConfig, loadConfigFile, mergeConfig, splitArgs } from '../src/config';
import { UsageError } from '../src/errors';
import { tempDir } from './helpers';

describe('config', () => {
  it('requests-per-round and min-rounds: 400 and 10 for local and replay, 2000 and 20 in a pod; an explicit value wins', () => {
    const of = (c: ReturnType<typeof buildConfig>) => [c.requestsPerRound, c.minRounds];
    expect(of(buildConfig({ runtime: 'local' }))).toEqual([400, 10]);
    expect(of(buildConfig({ runtime: 'replay', replay: 'x.csv' }))).toEqual([400, 10]);
    for (const runtime of ['podman', 'kind', 'kubernetes']) expect(of(buildConfig({ runtime, sut: { image: 'i' } })), runtime).toEqual([2000, 20]);
    expect(of(buildConfig({ runtime: 'kind', sut: { image: 'i' }, 'min-rounds': '12', 'requests-per-round': '300' }))).toEqual([300, 12]);
    expect(of(buildConfig({ runtime: 'local', 'min-rounds': '', 'requests-per-round': '' }))).toEqual([400, 10]);
  });
  it('resolves paths in a file relative to the file, not the working directory', () => {
    const dir = tempDir('cfg');
    const file = join(dir, 'gate.yml');
    writeFileSync(file, 'hook: build/h.so\nkind-config: kind.yml\nkubeconfig: ../kc\nsut:\n  command: ./server --port {port}\n');
    const raw = loadConfigFile(file);
    expect(raw.hook).toBe(join(dir, 'build/h.so'));
    expect(raw['kind-config']).toBe(join(dir, 'kind.yml'));
    expect(raw.kubeconfig).toBe(join(dir, '..', 'kc'));
    expect((raw.sut as { command: string[] }).command).toEqual([join(dir, 'server'), '--port', '{port}']);
  });

  it('tail: p99 by default with the threshold as its budget; p95, p99.9 and off; its own budget', () => {
    const c = buildConfig({ threshold: '2%' });
    expect([c.tail, c.tailThreshold]).toEqual(['p99', { relative: 0.02 }]);
    expect(buildConfig({ tail: 'p95' }).tail).toBe('p95');
    expect(buildConfig({ tail: 'p99.9' }).tail).toBe('p99.9');
    expect(buildConfig({ tail: 'off' }).tail).toBeNull();
    expect(buildConfig({ threshold: '2%', 'tail-threshold': '20us' }).tailThreshold).toEqual({ ns: 20_000 });
  });

  it('layers: defaults < file < flags, empty strings mean "not given"', () => {
    const c = buildConfig(mergeConfig({ threshold: '2%', alpha: '0.01' }, { threshold: '', alpha: '0.1' }));
    expect(c.threshold).toEqual({ relative: 0.02 });
    expect(c.alpha).toBe(0.1);
    expect(c.power).toBe(0.9);
    expect(c.mde).toEqual({ relative: 0.025 });
    expect(c.requests).toEqual([{ method: 'GET', path: '/', weight: 1 }]);
    expect(c.placement).toBe('auto');
    expect(buildConfig({ placement: 'split' }).placement).toBe('split');
    expect(c.concurrency).toBe(1);
    expect(buildConfig({ concurrency: '8' }).concurrency).toBe(8);
    expect(buildConfig({ concurrency: 64 }).concurrency).toBe(64);
  });

  it.each([
    [{ bogus: 1 }, "unknown config key 'bogus'"],
    [{ threshold: '2 percent' }, 'threshold must look like 2% or 50us'],
    [{ power: '1.5' }, 'power must be a probability'],
    [{ connection: 'pipelined' }, 'connection must be one of keep-alive, new'],
    [{ concurrency: '0' }, "concurrency must be an integer >= 1, got '0'"],
    [{ concurrency: '65' }, "concurrency must be at most 64, got '65'"],
    [{ concurrency: 'many' }, "concurrency must be an integer >= 1, got 'many'"],
    [{ concurrency: '2.5' }, "concurrency must be an integer >= 1, got '2.5'"],
    [{ 'max-duration': '10 minutes' }, 'max-duration must look like 90s'],
    [{ requests: [{ path: 'no-slash' }] }, 'requests[0].path must start with /'],
    [{ sut: { port: 'http' } }, 'sut.port must be an integer'],
    [{ sut: { cmd: 'x' } }, "unknown sut key 'cmd'"],
    [{ 'reuse-cluster': 'yes' }, 'reuse-cluster must be true or false'],
    [{ mde: '0%' }, 'mde must be greater than 0'],
    [{ tail: 'p42' }, "tail must be one of p95, p99, p99.9, off, got 'p42'"],
    [{ tail: 'abc' }, "tail must be one of p95, p99, p99.9, off, got 'abc'"],
    [{ 'tail-threshold': 'a lot' }, "tail-threshold must look like 2% or 50us (units ns, us, ms, s), got 'a lot'"],
    [{ cpu: 'two' }, "cpu must be a CPU quantity such as 1, 0.5 or 500m, or auto; got 'two'"],
    [{ 'loadgen-cpu': '1 core' }, 'loadgen-cpu must be a CPU quantity'],
    [{ placement: 'pinned' }, "placement must be one of auto, same-cpu, split, off, got 'pinned'"],
    [{ memory: '256m' }, "memory must be a memory quantity such as 256Mi, 1Gi or 500M, got '256m'"],
    [{ memory: '1 GB' }, "memory must be a memory quantity such as 256Mi, 1Gi or 500M, got '1 GB'"],
    [{ 'loadgen-memory': '256MB' }, "loadgen-memory must be a memory quantity such as 256Mi, 1Gi or 500M, got '256MB'"],
    [{ namespace: 'Perf_Team' }, "namespace must be a DNS label (lowercase letters, digits and '-', at most 63, starting and ending alphanumeric), got 'Perf_Team'"],
    [{ namespace: `n${'x'.repeat(63)}` }, 'namespace must be a DNS label'],
    [{ 'cluster-name': '-gate' }, "cluster-name must be a DNS label (lowercase letters, digits and '-', at most 63, starting and ending alphanumeric), got '-gate'"],
    [{ 'kind-version': 'latest' }, "kind-version must be a release tag like v0.29.0, got 'latest'"],
    [{ sut: { port: 70000 } }, "sut.port must be a TCP port 1..65535 (or 0), got '70000'"],
    [{ sut: { port: -1 } }, 'sut.port must be an integer >= 0'],
    [{ runtime: 'podman', sut: { port: 65535 } }, 'sut.port must be at most 65534 in a pod: the second arm listens on sut.port + 1'],
    [{ runtime: 'kind', kubeconfig: '/tmp/kc' }, 'runtime kind talks to the cluster it makes (context kind-hook-latency); kubeconfig and kube-context are for runtime kubernetes'],
    [{ runtime: 'kind', 'kube-context': 'prod' }, 'runtime kind talks to the cluster it makes (context kind-hook-latency); kubeconfig and kube-context are for runtime kubernetes'],
  ])('rejects %j with one clear line', (raw, message) => {
    let err: unknown;
    try {
      buildConfig(raw as Record<string, unknown>);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('accepts the quantities, labels and ports Kubernetes and kind accept', () => {
    const c = buildConfig({ runtime: 'kubernetes', memory: '1.5Gi', 'loadgen-memory': '500M', namespace: 'perf-1', 'cluster-name': 'gate-2', sut: { port: 65534 }, kubeconfig: '/tmp/kc' });
    expect([c.pod.memory, c.pod.loadgenMemory, c.pod.namespace, c.pod.clusterName, c.sut.port]).toEqual(['1.5Gi', '500M', 'perf-1', 'gate-2', 65534]);
    expect(buildConfig({ runtime: 'local', sut: { port: 65535 } }).sut.port).toBe(65535);
    expect(buildConfig({ memory: '1e9' }).pod.memory).toBe('1e9');
  });

  it('splits a command line without a shell, honouring quotes', () => {
    expect(splitArgs(`server --name "a b" 'c d' $(rm)`)).toEqual(['server', '--name', 'a b', 'c d', '$(rm)']);
  });
});
