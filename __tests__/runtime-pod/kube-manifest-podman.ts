// The manifest the kubernetes/kind runtimes apply, run for real under `podman kube play`: the exact
// YAML the fake kubectl received on stdin, with only the images swapped for locally imported ones
// (no registry here), the namespace dropped (podman has none) and the ConfigMap volumes of the pin
// wrapper and the load generator replaced by the same files as hostPaths (podman before 4.4 ignores
// the ConfigMap's defaultMode, so they would not be executable; the podman runtime mounts them the
// same way).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAllDocuments } from 'yaml';
import { afterAll, expect, it } from 'vitest';
import { buildConfig } from '../../src/config';
import { KubernetesRuntime } from '../../src/runtime/kubernetes/kubernetes';
import { toYaml } from '../../src/runtime/pod/manifest';
import { binaryRootfs, ensureImage } from '../../src/runtime/pod/image';
import { isMapped } from '../../src/runtime/pod/maps';
import { parseLoadgenOutput } from '../../src/runtime/pod/output';
import { allowedCpus } from '../../src/runtime/placement';
import { describeWithPodman, ROOT } from './podman-helpers';

const FAKES = resolve(ROOT, '__tests__/fakes');
const sh = (args: string[]) => execFileSync('podman', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Registered from podman-e2e.test.ts, so all podman tests run in one file, one after another. */
export function kubeManifestUnderPodman(): void {
describeWithPodman()('the Kubernetes Pod manifest under podman kube play', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hook-latency-kube-manifest-'));
  const saved = { ...process.env };
  let yamlFile = '';
  let pod = '';
  const volumes: string[] = [];

  afterAll(() => {
    process.env = saved;
    if (pod) {
      try { sh(['pod', 'stop', '-t', '0', pod]); } catch {}
      try { sh(['pod', 'rm', '-f', pod]); } catch {}
    }
    if (volumes.length) try { sh(['volume', 'rm', '-f', ...volumes]); } catch {}
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs: all three containers pinned to one CPU, the loadgen writes a full round into the shared emptyDir, the candidate maps the hook and pays for it', async () => {
    // 1. Capture what the kubernetes runtime applies (fake kubectl records stdin).
    const podJson = JSON.stringify({ spec: { containers: [] }, status: { phase: 'Running', containerStatuses: [{ name: 'loadgen', state: { terminated: { exitCode: 0 } } }] } });
    const pulled = JSON.stringify({ status: { phase: 'Succeeded' } });
    writeFileSync(join(dir, 'script.json'), JSON.stringify([
      { tool: 'kubectl', match: 'get pod \\S+-pull ', responses: [{ stdout: pulled }] },
      { tool: 'kubectl', match: ' -o json$', responses: [{ stdout: podJson }] },
      { tool: 'kubectl', match: '.', responses: [{ stdout: '' }] },
    ]));
    process.env.PATH = `${FAKES}:${process.env.PATH}`;
    process.env.FAKE_LOG = join(dir, 'calls.jsonl');
    process.env.FAKE_SCRIPT = join(dir, 'script.json');
    const config = buildConfig({
      runtime: 'kubernetes',
      sut: { image: 'registry.example/sut:1', command: ['/app/sut'], 'ready-path': '/healthz', env: { N: '1', HOOK_DELAY_NS: '20000' } },
      hook: resolve(ROOT, 'hook/build/delay.so'),
      'requests-per-round': 100,
      'warmup-requests': 10,
      seed: 3,
    });
    // fileOutputRows 0: the large-output path (CSV in an emptyDir, read from a SUT container's mount).
    const rt = new KubernetesRuntime(config, { runId: 'kmp', pollMs: 1, backoffMs: 1, fileOutputRows: 0 });
    await rt.runRound(0).catch(() => null); // the fake's empty logs fail the round; only the YAML matters here
    await rt.teardown();
    // The ConfigMaps (applied once) and the Pod (per round), into one file as podman kube play wants
    // (the image pre-pull pod before them is left out).
    const applied = readFileSync(join(dir, 'calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { argv: string[]; stdin: string })
      .filter((c) => c.argv.includes('apply') && c.argv.includes('-n') && !c.stdin.includes('hook-latency-kmp-pull'));
    expect(applied.length).toBe(2);

    // 2. Swap the images only, drop the namespace.
    const sutImage = await ensureImage('podman', 'hook-latency-sut', await binaryRootfs(resolve(ROOT, 'examples/sut/build/sut'), [resolve(ROOT, 'hook/build/delay.so')], '/app'));
    const docs = applied.flatMap((c) => parseAllDocuments(c.stdin).map((d) => d.toJS()));
    for (const d of docs) {
      delete d.metadata.namespace;
      if (d.kind === 'ConfigMap') volumes.push(d.metadata.name);
      if (d.kind !== 'Pod') continue;
      pod = d.metadata.name;
      for (const c of d.spec.containers) {
        // The loadgen too runs in the SUT's image: the pod needs no other.
        expect(c.image).toBe('registry.example/sut:1');
        c.image = sutImage;
        // The default placement (same-cpu) wraps every container's command in the pin wrapper.
        expect(c.command.slice(0, 3)).toEqual(['/hook-latency/pin/pin', '@-1', '--']);
        for (const m of c.volumeMounts) if (m.name === 'pin') m.mountPath = '/hook-latency/pin/pin';
        for (const m of c.volumeMounts) if (m.name === 'loadgen') m.mountPath = '/loadgen/loadgen';
      }
      for (const [name, file] of [['pin', 'hook/build/pin'], ['loadgen', 'hook/build/loadgen']] as const) {
        const v = d.spec.volumes.find((x: { name: string }) => x.name === name);
        expect(v.configMap.defaultMode).toBe(0o555);
        delete v.configMap;
        v.hostPath = { path: resolve(ROOT, file), type: 'File' };
      }
    }
    yamlFile = join(dir, 'pod.yaml');
    writeFileSync(yamlFile, toYaml(docs));

    // 3. Run it.
    execFileSync('podman', ['kube', 'play', yamlFile], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    const lg = `${pod}-loadgen`;
    const deadline = Date.now() + 60_000;
    while (sh(['inspect', '--format', '{{.State.Status}}', lg]).trim() !== 'exited') {
      if (Date.now() > deadline) throw new Error('loadgen did not finish');
      await sleep(100);
    }
    expect(sh(['inspect', '--format', '{{.State.ExitCode}}', lg]).trim()).toBe('0');
    expect(sh(['logs', lg])).not.toContain('round,arm,seq');
    const pid = (c: string) => sh(['inspect', '--format', '{{.State.Pid}}', `${pod}-${c}`]).trim();
    // What `kubectl exec sut-baseline -- cat /hook-latency/out/samples.csv` reads (this image has no cat).
    const out = parseLoadgenOutput(readFileSync(`/proc/${pid('sut-baseline')}/root/hook-latency/out/samples.csv`, 'utf8'), 0);
    expect(out.headerSeen).toBe(true);
    expect(out.data.arm.length).toBe(100);
    expect(out.data.status?.every((s) => s === 200)).toBe(true);
    expect(isMapped(readFileSync(`/proc/${pid('sut-candidate')}/maps`, 'utf8'), '/hook-latency/hook', 'delay.so')).toBe(true);
    expect(readFileSync(`/proc/${pid('sut-baseline')}/maps`, 'utf8')).not.toContain('delay.so');
    // The wrapper exec'd the SUT (it keeps the PID), and every thread of all three is on the last CPU.
    const last = allowedCpus().at(-1);
    for (const c of ['sut-baseline', 'sut-candidate']) {
      expect(allowedCpus(readFileSync(`/proc/${pid(c)}/status`, 'utf8'))).toEqual([last]);
      expect(readFileSync(`/proc/${pid(c)}/cmdline`, 'utf8').split('\0')[0]).toBe('/app/sut');
    }
    // The loadgen has exited; its pin is visible in what it ran (the first argv word of its command).
    expect(sh(['inspect', '--format', '{{.Path}}', lg]).trim()).toBe('/hook-latency/pin/pin');
    // The hook adds 20 us to every candidate request (a busy wait after each read), so the candidate's
    // fastest request is that much slower than the baseline's fastest. The fastest, not the median:
    // one round of 50 requests an arm on a loaded host has medians set by who waited for the CPU (seen:
    // a median difference of 2 us with other work on the machine), while a minimum is moved only when
    // every one of an arm's requests waited.
    const fastest = (arm: number) => Math.min(...[...out.data.latencyNs].filter((_, i) => out.data.arm[i] === arm));
    expect(fastest(1) - fastest(0)).toBeGreaterThan(10_000);
  }, 180_000);
});
}
