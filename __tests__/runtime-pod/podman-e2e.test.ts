// The podman runtime for real: the whole gate (engine + sequential controller) on the example SUT,
// A/A with the no-op hook and the 20 us delay hook, then nothing left behind.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildConfig, loadConfigFile } from '../../src/config';
import { runGate } from '../../src/engine';
import { createRuntime } from '../../src/runtime';
import { RoundFailedError, RunError } from '../../src/errors';
import type { CostDecomposition } from '../../src/cost/decompose';
import { PodmanRuntime } from '../../src/runtime/podman';
import { readSamples } from '../../src/samples/read';
import { CLI } from '../helpers';
import { kubeManifestUnderPodman } from './kube-manifest-podman';
import { initImage, sutNotPid1UnderPodman } from './podman-sut-not-pid1';
import { describeWithPodman, leftovers, podmanList, ROOT } from './podman-helpers';
import { firstStarted, slotPorts } from '../../src/experiment/schedule';

// All podman tests live in this one file so they run one after another: the shared
// podman-default-kube-network is removed at the end only if it was not there at the start.
let networkExisted = true;
beforeAll(() => {
  networkExisted = podmanList(['network', 'ls', '--format', '{{.Name}}']).includes('podman-default-kube-network');
});
afterAll(() => {
  if (!networkExisted) {
    // Without -f: a network still in use by someone else's pod stays.
    try {
      execFileSync('podman', ['network', 'rm', 'podman-default-kube-network'], { stdio: 'ignore' });
    } catch {}
  }
});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}

async function gate(file: string, extra: Record<string, unknown> = {}) {
  const config = buildConfig({ ...loadConfigFile(resolve(ROOT, file)), seed: 7, ...extra });
  const runtime = (await createRuntime(config)) as PodmanRuntime;
  const t0 = Date.now();
  const verdict = await runGate(runtime, config);
  const ms = Date.now() - t0;
  const starts = runtime.timings.map((t) => t.podStartMs);
  console.log(
    `${file}: ${verdict.verdict} shift ${(verdict.shift.relative * 100).toFixed(1)} % = ${(verdict.shift.ns / 1000).toFixed(1)} us ` +
      `(medians ${(verdict.median.baseline / 1000).toFixed(1)} / ${(verdict.median.candidate / 1000).toFixed(1)} us), ` +
      `${verdict.rounds} rounds, n ${verdict.n.baseline}+${verdict.n.candidate}, ${(ms / 1000).toFixed(1)} s to verdict, ` +
      `pod start median ${median(starts)} ms, round median ${median(runtime.timings.map((t) => t.roundMs))} ms, remove median ${median(runtime.timings.map((t) => t.removeMs))} ms; ` +
      `checks ${verdict.checks.map((c) => `${c.id}=${c.status}`).join(' ')}`,
  );
  return { verdict, runtime, ms };
}

describeWithPodman()('podman runtime, end to end', () => {
  it('A/A with the no-op hook is not a regression, and leaves nothing behind', async () => {
    // A live A/A run is a regression with probability alpha; at 0.01 this test flakes at most 1 % of
    // the time. The false-positive rate itself is established on 200+ replays (__tests__/experiment).
    const { verdict, runtime } = await gate('examples/podman/aa.yml', { alpha: 0.01 });
    expect(verdict.verdict).not.toBe('regression');
    expect(verdict.runtime).toBe('podman');
    expect(verdict.checks.find((c) => c.id === 'same-pod')?.status).toBe('pass');
    expect(verdict.checks.some((c) => c.id === 'cpu-throttling')).toBe(true);
    expect(leftovers(runtime.runId)).toEqual([]);
  }, 120_000);

  it('a 5 MiB hook (noop.so padded): delivered in ConfigMap parts joined by an init container, gated end to end', async () => {
    const { verdict, runtime } = await gate('examples/podman/aa.yml', { hook: resolve(ROOT, 'hook/build/noop-5mb.so'), alpha: 0.01, 'max-requests': 4000 });
    expect(verdict.verdict).not.toBe('regression');
    expect(verdict.verdict).not.toBe('error');
    expect(verdict.n.candidate).toBeGreaterThan(0);
    expect(leftovers(runtime.runId)).toEqual([]);
  }, 300_000);

  it('the 20 us delay hook is a regression with a shift close to its cost; decompose: the counting pod counts its reads', async () => {
    const { verdict, runtime } = await gate('examples/podman/slow.yml', { decompose: true });
    expect(verdict.verdict).toBe('regression');
    // One read per keep-alive request, counted by the preload in an extra pod after the gate.
    expect(verdict.calls).toMatchObject({ method: 'preload', requests: 400 });
    expect((verdict.calls as { perRequest: Record<string, number> }).perRequest.read).toBeCloseTo(1, 1);
    // The micro benchmark ran on the host; whether the check fires is a timing property (docs/evidence.md, "Where the cost is, on podman").
    const cost = verdict.cost as CostDecomposition;
    expect(cost.method).toBe('preload');
    const read = cost.functions.find((f) => f.name === 'read');
    expect(read?.perCallNs).toBeGreaterThan(15_000);
    expect(cost.predicted.ns).toBeCloseTo(cost.functions.reduce((sum, f) => sum + (f.predictedNs ?? 0), 0), 6);
    expect(cost.measured).toEqual({ ns: verdict.shift.ns, ciNs: verdict.shift.ciNs });
    // delay.so busy-waits 20 us per read(); a keep-alive request costs about one read.
    expect(verdict.shift.ns).toBeGreaterThan(12_000);
    expect(verdict.shift.ns).toBeLessThan(40_000);
    expect(leftovers(runtime.runId)).toEqual([]);
    // (Not `podman pod ls -q` empty: pods of other users of this podman are not ours to count.)
    expect(podmanList(['pod', 'ls', '--format', '{{.Name}}']).filter((n) => n.includes(runtime.runId))).toEqual([]);
  }, 120_000);
});

describeWithPodman()('podman runtime, calls per request', () => {
  for (const connection of ['keep-alive', 'new'] as const) {
    it(`${connection}: the counting pod counts what the counting preload counts on the host`, async () => {
      const config = (runtime: string) => buildConfig({ ...loadConfigFile(resolve(ROOT, 'examples/podman/slow.yml')), runtime, seed: 7, connection });
      const pod = new PodmanRuntime(config('podman'));
      const inPod = await pod.countCalls().finally(() => pod.teardown());
      const local = await createRuntime(config('local'));
      const onHost = await local.countCalls!().finally(() => local.teardown());
      console.log(`${connection}: pod ${JSON.stringify(inPod)} host ${JSON.stringify(onHost)}`);
      if ('unavailable' in inPod || 'unavailable' in onHost) throw new Error('calls not counted');
      expect(inPod.method).toBe('preload');
      expect(inPod.requests).toBe(400);
      expect(Object.keys(inPod.perRequest)).toEqual(['accept', 'accept4', 'close', 'read', 'recv']);
      // The same SUT binary, hook and requests: the same calls, but for the one connection's own
      // accept/EAGAIN/close (at most 2 calls in 400 requests) when it is kept alive.
      for (const fn of Object.keys(inPod.perRequest)) expect(Math.abs(inPod.perRequest[fn]! - onHost.perRequest[fn]!)).toBeLessThanOrEqual(0.005);
      expect(inPod.perRequest.read).toBeCloseTo(1, 1);
      expect(inPod.perRequest.accept4).toBeCloseTo(connection === 'new' ? 2 : 0, 1);
      expect(inPod.perRequest.close).toBeCloseTo(connection === 'new' ? 1 : 0, 1);
      expect(leftovers(pod.runId)).toEqual([]);
    }, 120_000);
  }
});

describeWithPodman()('podman runtime, failures leave nothing behind', () => {
  const base = (hook: string) =>
    buildConfig({
      runtime: 'podman',
      sut: { command: [resolve(ROOT, 'examples/sut/build/sut')], 'ready-path': '/healthz' },
      hook,
      'requests-per-round': 40,
      'warmup-requests': 5,
      seed: 1,
    });

  it('a hook the dynamic loader ignores: "hook was not loaded" with the ld.so message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hook-latency-badhook-'));
    const bad = join(dir, 'bad.so');
    writeFileSync(bad, 'not an ELF file\n');
    const rt = new PodmanRuntime(base(bad));
    try {
      const err = await rt.runRound(0).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RunError);
      const port = slotPorts(firstStarted(1, 0), 8080, 8081).candidate; // the round's coin (seed 1)
      expect((err as Error).message).toMatch(new RegExp(`^hook was not loaded: /hook-latency/hook/bad\\.so is not mapped in hook-latency-\\w+-r0-sut-candidate \\(pid \\d+, listening on port ${port}\\) \\(ERROR: ld\\.so: object '/hook-latency/hook/bad\\.so' from LD_PRELOAD cannot be preloaded`));
    } finally {
      await rt.teardown();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(leftovers(rt.runId)).toEqual([]);
  }, 60_000);

  it('a SUT command that cannot start: the OCI runtime\'s own words (unpinned), the pin wrapper\'s (pinned)', async () => {
    for (const placement of ['off', 'auto'] as const) {
      const config = base(resolve(ROOT, 'hook/build/noop.so'));
      config.sut.command = ['/app/nope'];
      config.sut.image = await initImage();
      config.placement = placement;
      const rt = new PodmanRuntime(config);
      try {
        const err = await rt.runRound(0).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(RunError);
        expect((err as Error).message).toMatch(
          placement === 'off'
            ? /^podman kube play failed for round 0: starting container \w+: runc: runc create failed: unable to start container process: exec: "\/app\/nope": stat \/app\/nope: no such file or directory/
            : /sut-baseline exited with 127; its log:\npin: \/app\/nope: No such file or directory/,
        );
      } finally {
        await rt.teardown();
      }
      expect(leftovers(rt.runId)).toEqual([]);
    }
  }, 90_000);

  it('a SUT that exits at once: the round ends on it, with the SUT\'s own words, before the loadgen gives up', async () => {
    // (crash.so cannot be used here: raise(SIGSEGV) is ignored by PID 1 of a container's PID namespace.)
    const config = base(resolve(ROOT, 'hook/build/noop.so'));
    config.sut.env = { SUT_WORK_US: 'bad' };
    config.sut.readyTimeoutMs = 60_000; // the loadgen would wait this long for a SUT that is gone
    const rt = new PodmanRuntime(config);
    try {
      const err = await rt.runRound(0).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RoundFailedError);
      const msg = (err as Error).message;
      // The runtime saw the SUTs end; the loadgen had not failed yet (its message would be "not ready after 60000 ms").
      expect(msg).toMatch(/^round 0: a SUT container stopped during the round\n/);
      expect(msg).toMatch(/sut-candidate exited with 2; its log:\nsut: bad SUT_WORK_US: bad/);
      expect(msg).not.toMatch(/not ready after/);
      expect((err as RoundFailedError).partial).toBeNull(); // no request was measured
    } finally {
      await rt.teardown();
    }
    expect(leftovers(rt.runId)).toEqual([]);
  }, 60_000);
});

describeWithPodman()('podman runtime, Ctrl-C', () => {
  it('mid-round: exit 130, the rows the loadgen had written are in samples.csv, the pod is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hook-latency-podman-sigint-'));
    const cfg = join(dir, 'gate.yml');
    // 4000 requests of 1 ms each: the round is still running when the signal comes.
    writeFileSync(cfg, JSON.stringify({
      runtime: 'podman', sut: { command: [resolve(ROOT, 'examples/sut/build/sut')], 'ready-path': '/healthz', env: { SUT_WORK_US: '1000' } },
      hook: resolve(ROOT, 'hook/build/noop.so'), 'requests-per-round': 4000, 'warmup-requests': 10, 'pod-timeout': '2m',
    }));
    const before = new Set(podmanList(['ps', '-a', '--format', '{{.Names}}']));
    const child = spawn(process.execPath, [CLI, 'run', '--config', cfg, '--out', join(dir, 'out')], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      // Wait until this run's loadgen has written at least two batches of rows.
      let loadgen = '';
      const deadline = Date.now() + 120_000;
      for (;;) {
        if (Date.now() > deadline) throw new Error('the loadgen never wrote rows');
        loadgen ||= podmanList(['ps', '--format', '{{.Names}}']).find((n) => n.endsWith('-loadgen') && !before.has(n)) ?? '';
        const rows = loadgen ? execFileSync('podman', ['logs', loadgen], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter((l) => /^0,/.test(l)).length : 0;
        if (rows >= 128) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      child.kill('SIGINT');
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      expect(code).toBe(130);
      const rounds = await readSamples(join(dir, 'out', 'samples.csv'));
      expect(rounds.map((r) => r.round)).toEqual([0]);
      expect(rounds[0].arm.length).toBeGreaterThanOrEqual(128);
      expect(rounds[0].arm.length).toBeLessThan(4000);
      const runId = /^hook-latency-(\w+)-r0-loadgen$/.exec(loadgen)?.[1] as string;
      expect(leftovers(runId)).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

kubeManifestUnderPodman();
sutNotPid1UnderPodman();
