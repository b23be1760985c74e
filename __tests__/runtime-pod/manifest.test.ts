// The shared Pod manifest, pure.
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { buildPodManifest, dnsLabel, HOOK_PART_BYTES, podName, toYaml, type PodPlan } from '../../src/runtime/pod/manifest';
import { apiLimitProblems, LIMITS } from './api-limits';
import { isGuaranteed, podResources } from '../../src/runtime/pod/resources';
import { parseLoadgenOutput, roundFromOutput } from '../../src/runtime/pod/output';
import { loaderMessage } from '../../src/native';
import { isMapped } from '../../src/runtime/pod/maps';
import { parseLdd } from '../../src/runtime/pod/image';
import { parseProcCgroup } from '../../src/runtime/pod/cgroup';
import { placePod, podPinNote } from '../../src/runtime/pod/placement';
import { podPlan } from '../../src/runtime/pod/plan';
import { buildConfig } from '../../src/config';
import { firstStarted } from '../../src/experiment/schedule';
import { LOADGEN_DEFAULTS, type LoadgenConfig } from '../../src/loadgen/config';
import { loadgenBinary } from '../../src/loadgen/native';
import { loadgenConfigText } from '../../src/loadgen/native-config';
import { ROOT } from '../helpers';

const so = Uint8Array.from({ length: 256 }, (_, i) => i); // every byte value
const LOADGEN_BYTES = new TextEncoder().encode('\x7fELF loadgen\n');
const LG_CONFIG: LoadgenConfig = { ...LOADGEN_DEFAULTS, seed: 1, pairs: 10, targets: { baseline: { host: '127.0.0.1', port: 8080 }, candidate: { host: '127.0.0.1', port: 8081 } } };
function plan(over: Partial<PodPlan> = {}): PodPlan {
  return {
    runId: 'abc123',
    round: 4,
    sut: { image: 'img/sut:1', command: ['/app/sut', '--port', '{port}'], env: { N: 'yes', ON: 'true', MODE: '0755' }, ports: { baseline: 8080, candidate: 8081 } },
    hook: { fileName: 'delay.so', data: so },
    loadgen: { binary: LOADGEN_BYTES, config: LG_CONFIG },
    ...over,
  };
}
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const roundTrip = (p: PodPlan): Obj[] => parseAllDocuments(toYaml(buildPodManifest(p)), { version: '1.1' }).map((d) => d.toJS() as Obj);

describe('buildPodManifest', () => {
  it('three containers, restartPolicy Never, no ports, run labels', () => {
    const { pod } = buildPodManifest(plan()) as { pod: Obj };
    expect(pod.metadata.name).toBe('hook-latency-abc123-r4');
    expect(pod.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'hook-latency', 'hook-latency/run': 'abc123', 'hook-latency/round': '4' });
    expect(pod.spec.restartPolicy).toBe('Never');
    expect(pod.spec.containers.map((c: Obj) => c.name)).toEqual(['sut-baseline', 'sut-candidate', 'loadgen']);
    expect(JSON.stringify(pod)).not.toContain('"ports"');
    // The native loadgen in the SUT's own image: no loadgen image at all.
    expect(pod.spec.containers[2].image).toBe('img/sut:1');
    expect(pod.spec.containers[2].command).toEqual(['/loadgen/loadgen']);
    expect(pod.spec.containers[2].env).toEqual([{ name: 'LOADGEN_CONFIG', value: loadgenConfigText(LG_CONFIG) }]);
  });

  it('LD_PRELOAD only on the candidate, hooks mounted read-only, ports substituted', () => {
    const { pod } = buildPodManifest(plan({ sut: { ...plan().sut, env: { LD_PRELOAD: '/evil.so' } } })) as { pod: Obj };
    const [b, c, l] = pod.spec.containers;
    const env = (x: Obj) => Object.fromEntries(x.env.map((e: Obj) => [e.name, e.value]));
    expect(env(b)).toEqual({ PORT: '8080' });
    expect(env(c)).toEqual({ PORT: '8081', LD_PRELOAD: '/hook-latency/hook/delay.so' });
    expect(env(l).LD_PRELOAD).toBeUndefined();
    expect(b.command).toEqual(['/app/sut', '--port', '8080']);
    expect(c.command).toEqual(['/app/sut', '--port', '8081']);
    expect(b.volumeMounts).toBeUndefined();
    expect(c.volumeMounts).toEqual([{ name: 'hook', mountPath: '/hook-latency/hook', readOnly: true }]);
    expect(l.volumeMounts).toEqual([{ name: 'loadgen', mountPath: '/loadgen', readOnly: true }]);
  });

  it('baseline hook on the baseline container, in its own ConfigMap', () => {
    const m = buildPodManifest(plan({ baselineHook: { fileName: 'delay.so', data: new Uint8Array([1, 2]) } }));
    const pod = m.pod as Obj;
    const env = (x: Obj) => Object.fromEntries(x.env.map((e: Obj) => [e.name, e.value]));
    expect(env(pod.spec.containers[0]).LD_PRELOAD).toBe('/hook-latency/baseline-hook/delay.so');
    expect((m.configMaps as Obj[]).map((c) => c.metadata.name)).toEqual(['hook-latency-abc123-loadgen', 'hook-latency-abc123-hook', 'hook-latency-abc123-baseline-hook']);
  });

  it('requests = limits on every container, loadgen and init container included: Guaranteed QoS', () => {
    const resources = podResources({ cpu: '500m', memory: '64Mi' });
    expect(isGuaranteed(resources)).toBe(true);
    const big = new Uint8Array(HOOK_PART_BYTES + 1);
    const { pod } = buildPodManifest(plan({ resources, hook: { fileName: 'h.so', data: big } })) as { pod: Obj };
    const want = { requests: { cpu: '500m', memory: '64Mi' }, limits: { cpu: '500m', memory: '64Mi' } };
    const lg = { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
    expect(pod.spec.containers.map((c: Obj) => c.resources)).toEqual([want, want, lg]);
    expect(pod.spec.initContainers[0].resources).toEqual(lg);
    // The QoS class as the kubelet computes it (pkg/apis/core/v1/helper/qos): Guaranteed iff every
    // container, init containers included, has cpu and memory limits equal to its requests.
    const all = [...pod.spec.initContainers, ...pod.spec.containers] as Obj[];
    expect(all.every((c) => ['cpu', 'memory'].every((r) => c.resources?.limits?.[r] && c.resources.limits[r] === c.resources.requests?.[r]))).toBe(true);
    // cpu alone (no memory): Burstable, and nothing claims otherwise.
    expect(isGuaranteed(podResources({ cpu: '1' }))).toBe(false);
    expect(podResources({ cpu: '1' })).toEqual({ sut: { cpu: '1', memory: undefined }, loadgen: { cpu: '1', memory: undefined } });
    expect((buildPodManifest(plan()).pod as Obj).spec.containers[0].resources).toBeUndefined();
  });

  it('YAML: hook bytes survive byte-exact; env names and values stay strings even for a YAML 1.1 reader', () => {
    const docs = roundTrip(plan({ namespace: 'ns1' }));
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'ConfigMap', 'Pod']);
    expect(docs.every((d) => d.metadata.namespace === 'ns1')).toBe(true);
    expect(Buffer.from(docs[1].binaryData['delay.so'], 'base64')).toEqual(Buffer.from(so));
    expect(Buffer.from(docs[0].binaryData.loadgen, 'base64')).toEqual(Buffer.from(LOADGEN_BYTES));
    expect(docs[0].data).toBeUndefined();
    expect((docs[2].spec.volumes as Obj[]).find((v) => v.name === 'loadgen')).toEqual({ name: 'loadgen', configMap: { name: 'hook-latency-abc123-loadgen', defaultMode: 0o555 } });
    expect(docs[2].spec.containers[2].env[0].value).toBe(loadgenConfigText(LG_CONFIG)); // multi-line text survives YAML
    const env = docs[2].spec.containers[0].env as Obj[];
    expect(env).toEqual([{ name: 'N', value: 'yes' }, { name: 'ON', value: 'true' }, { name: 'MODE', value: '0755' }, { name: 'PORT', value: '8080' }]);
    expect(toYaml(buildPodManifest(plan()))).toContain('- name: "N"');
  });

  it('large outputs: an emptyDir written by the loadgen, mounted read-only in both SUT containers', () => {
    const p = plan();
    p.loadgen.outputFile = true;
    const { pod } = buildPodManifest(p) as { pod: Obj };
    const [b, c, l] = pod.spec.containers;
    expect(pod.spec.volumes).toContainEqual({ name: 'out', emptyDir: {} });
    expect(b.volumeMounts).toEqual([{ name: 'out', mountPath: '/hook-latency/out', readOnly: true }]);
    expect(c.volumeMounts[1]).toEqual({ name: 'out', mountPath: '/hook-latency/out', readOnly: true });
    expect(l.volumeMounts[1]).toEqual({ name: 'out', mountPath: '/hook-latency/out' });
    expect(l.env[0].value).toBe(loadgenConfigText({ ...LG_CONFIG, out: '/hook-latency/out/samples.csv' }));
  });

  it('a 5 MiB hook: parts in ConfigMaps within the API limits, joined by an init container into the SUT mount', () => {
    const big = readFileSync(resolve(__dirname, '../../hook/build/noop-5mb.so'));
    const docs = roundTrip(plan({ hook: { fileName: 'noop-5mb.so', data: big }, namespace: 'ns1' }));
    const parts = docs.filter((d) => d.kind === 'ConfigMap' && d.metadata.name.startsWith('hook-latency-abc123-hook-'));
    expect(parts.length).toBe(Math.ceil(big.length / HOOK_PART_BYTES));
    expect(docs.flatMap(apiLimitProblems)).toEqual([]);
    // The same bytes in one ConfigMap would be refused.
    expect(apiLimitProblems({ kind: 'ConfigMap', metadata: { name: 'x' }, binaryData: { 'a.so': big.toString('base64') } })).toEqual([
      `ConfigMap/x: data ${big.length + 4} bytes`,
      `ConfigMap/x: ${Buffer.byteLength(JSON.stringify({ kind: 'ConfigMap', metadata: { name: 'x' }, binaryData: { 'a.so': big.toString('base64') } }))} bytes as JSON`,
    ]);
    expect(big.length).toBeGreaterThan(LIMITS.configMapData);
    const pod = docs.find((d) => d.kind === 'Pod') as Obj;
    const [init] = pod.spec.initContainers;
    expect(init.name).toBe('join-hook');
    expect(init.image).toBe('img/sut:1');
    expect(pod.spec.volumes).toContainEqual({ name: 'hook', emptyDir: {} });
    expect(init.volumeMounts.slice(0, 2)).toEqual([{ name: 'hook', mountPath: '/hook-latency/hook' }, { name: 'loadgen', mountPath: '/loadgen', readOnly: true }]);
    expect(pod.spec.containers[1].volumeMounts).toEqual([{ name: 'hook', mountPath: '/hook-latency/hook', readOnly: true }]);

    // Run the init container's command for real, on the parts as the kubelet would mount them.
    const dir = mkdtempSync(join(tmpdir(), 'hook-latency-join-'));
    try {
      const local = (p: string) => join(dir, p);
      for (const m of init.volumeMounts.slice(2) as Obj[]) {
        const cm = parts.find((c) => c.metadata.name === pod.spec.volumes.find((v: Obj) => v.name === m.name).configMap.name) as Obj;
        for (const [key, b64] of Object.entries(cm.binaryData as Record<string, string>)) {
          mkdirSync(local(m.mountPath), { recursive: true });
          writeFileSync(join(local(m.mountPath), key), Buffer.from(b64, 'base64'));
        }
      }
      // The real load generator's --join, as the init container runs it.
      const [bin, join_, out, sha, ...files] = init.command as string[];
      expect([bin, join_]).toEqual(['/loadgen/loadgen', '--join']);
      mkdirSync(dirname(local(out)), { recursive: true });
      execFileSync(loadgenBinary(ROOT), ['--join', local(out), sha, ...files.map(local)]);
      expect(readFileSync(local(out)).equals(big)).toBe(true);
      expect(statSync(local(out)).mode & 0o777).toBe(0o555);
      expect(sha).toBe(execFileSync('sha256sum', [local(out)], { encoding: 'utf8' }).slice(0, 64)); // coreutils as the reference
      // A wrong part is refused, not joined.
      writeFileSync(local(files[0]), 'x');
      rmSync(local(out));
      expect(() => execFileSync(loadgenBinary(ROOT), ['--join', local(out), sha, ...files.map(local)], { stdio: 'pipe' })).toThrow(/the parts joined to sha256 [0-9a-f]{64}, expected/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a hook of exactly one part stays a single ConfigMap, one byte more is split', () => {
    const at = roundTrip(plan({ hook: { fileName: 'h.so', data: new Uint8Array(HOOK_PART_BYTES) } }));
    expect(at.filter((d) => d.kind === 'ConfigMap').map((d) => d.metadata.name)).toEqual(['hook-latency-abc123-loadgen', 'hook-latency-abc123-hook']);
    const over = roundTrip(plan({ hook: { fileName: 'h.so', data: new Uint8Array(HOOK_PART_BYTES + 1) } }));
    expect(over.filter((d) => d.kind === 'ConfigMap').map((d) => d.metadata.name)).toEqual(['hook-latency-abc123-loadgen', 'hook-latency-abc123-hook-0', 'hook-latency-abc123-hook-1']);
  });

  it('names are DNS labels', () => {
    expect(dnsLabel('Hook_Latency..X')).toBe('hook-latency-x');
    expect(podName('a'.repeat(80), 1).length).toBeLessThanOrEqual(63);
  });
});

describe('pod helpers', () => {
  it('parses loadgen output mixed with its stderr, and refuses a truncated round', () => {
    const text = 'round,arm,seq,latency_ns,start_ns,status\n2,baseline,0,1000,5,200\n2,candidate,1,2000,6,0\nloadgen: done 2 samples, 1 errors\n';
    const p = parseLoadgenOutput(text, 2);
    expect(Array.from(p.data.arm)).toEqual([0, 1]);
    expect(Array.from(p.data.status ?? [])).toEqual([200, 0]);
    expect(p.other).toEqual(['loadgen: done 2 samples, 1 errors']);
    expect(roundFromOutput(text, 2, 2, 'x').arm.length).toBe(2);
    expect(() => roundFromOutput(text, 2, 4, 'pod p')).toThrow('pod p: loadgen output of round 2 is incomplete: 2 of 4 rows; loadgen said: loadgen: done 2 samples, 1 errors');
  });

  it('finds the hook in maps on podman and behind the ConfigMap ..data symlink on Kubernetes', () => {
    expect(isMapped('7f-80 r-xp 0 0:0 1 /hook-latency/hook/delay.so\n', '/hook-latency/hook', 'delay.so')).toBe(true);
    expect(isMapped('7f-80 r-xp 0 0:0 1 /hook-latency/hook/..2025_01_01_00_00_00.1/delay.so\n', '/hook-latency/hook', 'delay.so')).toBe(true);
    expect(isMapped('7f-80 r-xp 0 0:0 1 /other/delay.so\n7f-80 r-xp 0 0:0 1 /hook-latency/hook/noop.so\n', '/hook-latency/hook', 'delay.so')).toBe(false);
    expect(loaderMessage("listening\nERROR: ld.so: object '/x.so' from LD_PRELOAD cannot be preloaded (invalid ELF header): ignored.\n")).toMatch(/^ERROR: ld.so/);
  });

  it('parses ldd and /proc/<pid>/cgroup', () => {
    const ldd = '\tlinux-vdso.so.1 (0x00007ffc)\n\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)\n\t/lib64/ld-linux-x86-64.so.2 (0x00007f)\n';
    expect(parseLdd(ldd)).toEqual(['/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']);
    const cg = parseProcCgroup('1:cpu,cpuacct:/a/b\n4:memory:/a/b\n0::/a/b\n9:name=systemd:/s\n');
    expect(cg.get('cpu')).toBe('/a/b');
    expect(cg.get('memory')).toBe('/a/b');
    expect(cg.get('')).toBe('/a/b');
    expect(cg.get('systemd')).toBe('/s');
  });
});

describe('placePod (placement inside the pod)', () => {
  const pin = Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 255]);
  const sameCpu = { requested: 'auto', mode: 'same-cpu', loadgen: '@-1', sut: '@-1' } as const;
  const placed = (p: PodPlan, first: 'baseline' | 'candidate', extra: Partial<Parameters<typeof placePod>[2]> = {}) =>
    placePod(buildPodManifest(p), p.runId, { plan: sameCpu, pin, first, ...extra }) as { pod: Obj; configMaps: Obj[] };

  it('puts the pin wrapper in front of all three commands, delivered byte-exact by ConfigMap (executable)', () => {
    const { pod, configMaps } = placed(plan(), 'baseline');
    const [b, c, l] = pod.spec.containers;
    expect(b.command).toEqual(['/hook-latency/pin/pin', '@-1', '--', '/app/sut', '--port', '8080']);
    expect(c.command).toEqual(['/hook-latency/pin/pin', '@-1', '--', '/app/sut', '--port', '8081']);
    expect(l.command).toEqual(['/hook-latency/pin/pin', '@-1', '--', '/loadgen/loadgen']);
    for (const x of [b, c, l]) expect(x.volumeMounts).toContainEqual({ name: 'pin', mountPath: '/hook-latency/pin', readOnly: true });
    expect(pod.spec.volumes).toContainEqual({ name: 'pin', configMap: { name: 'hook-latency-abc123-pin', defaultMode: 0o555 } });
    const cm = configMaps.find((m) => m.metadata.name === 'hook-latency-abc123-pin')!;
    expect(Buffer.from(cm.binaryData.pin, 'base64')).toEqual(Buffer.from(pin));
    expect(cm.metadata.labels['hook-latency/run']).toBe('abc123'); // deleted with the run's other ConfigMaps
    expect(cm.metadata.namespace).toBeUndefined();
    expect(placed(plan({ namespace: 'perf' }), 'baseline').configMaps.at(-1)!.metadata.namespace).toBe('perf');
    // Both SUT containers stay identical apart from port and hook.
    expect({ ...b, name: '', env: [], command: [], volumeMounts: [] }).toEqual({ ...c, name: '', env: [], command: [], volumeMounts: [] });
  });

  it('lists the SUT container that starts first first; split pins the SUTs to another CPU than the loadgen', () => {
    const { pod } = placed(plan(), 'candidate', { plan: { requested: 'split', mode: 'split', loadgen: '@-1', sut: '@-2' } });
    expect(pod.spec.containers.map((x: Obj) => x.name)).toEqual(['sut-candidate', 'sut-baseline', 'loadgen']);
    expect(pod.spec.containers.map((x: Obj) => x.command[1])).toEqual(['@-2', '@-2', '@-1']);
  });

  it('podman: the wrapper as a hostPath file instead of a ConfigMap', () => {
    const { pod, configMaps } = placed(plan(), 'baseline', { pinHostPath: '/x/hook/build/pin' });
    expect(pod.spec.volumes).toContainEqual({ name: 'pin', hostPath: { path: '/x/hook/build/pin', type: 'File' } });
    expect(pod.spec.containers[0].volumeMounts).toContainEqual({ name: 'pin', mountPath: '/hook-latency/pin/pin', readOnly: true });
    expect(configMaps.map((m) => m.metadata.name)).not.toContain('hook-latency-abc123-pin');
  });

  it('off: the manifest as built, only the start order applied', () => {
    const off = { requested: 'off', mode: 'off', loadgen: null, sut: null } as const;
    const built = buildPodManifest(plan()) as { pod: Obj; configMaps: Obj[] };
    expect(placed(plan(), 'baseline', { plan: off, pin: null })).toEqual(built);
    expect(podPinNote(sameCpu, [])).toMatch(/image entrypoint/);
    expect(podPinNote(sameCpu, ['/app/sut'])).toBeNull();
  });
});

describe("podPlan: the round's slots", () => {
  it("the first-started arm gets sut.port, the other sut.port + 1, in the SUT containers and the loadgen's targets alike", () => {
    const config = buildConfig({ runtime: 'podman', sut: { image: 'img/sut:1', port: 9000 }, seed: 5 });
    const assets = { loadgen: { binary: new Uint8Array(1), path: '/x/loadgen' }, pin: null };
    const images = { sutImage: 'img/sut:1', sutCommand: ['/app/sut'] };
    const seen = new Set<string>();
    for (let round = 0; round < 12; round++) {
      const p = podPlan(config, 'abc', round, assets, images);
      const first = firstStarted(5, round);
      seen.add(first);
      expect(p.sut.ports[first], `round ${round}`).toBe(9000);
      expect(p.sut.ports[first === 'baseline' ? 'candidate' : 'baseline']).toBe(9001);
      const targets = p.loadgen.config.targets;
      expect(targets.baseline.port).toBe(p.sut.ports.baseline);
      expect(targets.candidate.port).toBe(p.sut.ports.candidate);
      const env = Object.fromEntries(
        (buildPodManifest(p).pod as Obj).spec.containers.map((c: Obj) => [c.name, c.env?.find((e: Obj) => e.name === 'PORT')?.value]),
      );
      expect(env).toMatchObject({ 'sut-baseline': String(p.sut.ports.baseline), 'sut-candidate': String(p.sut.ports.candidate) });
    }
    expect(seen.size).toBe(2);
  });
});
