// Placement planning and observation (src/runtime/placement.ts), the placement check, and the pin
// wrapper (hook/pin.c) against what the kernel itself reports.
import { execFileSync, spawn, spawnSync, type SpawnSyncOptions, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeCpus, placementCheck } from '../../src/checks/placement';
import { firstStarted } from '../../src/experiment/schedule';
import { allowedCpus, helperCpus, hostPlan, parseCpuList, podPlacementPlan, processorOf, probePoints, threadCpus } from '../../src/runtime/placement';
import type { PlacementReport, RoundPlacement } from '../../src/types';
import { ensureCrossPin } from '../../src/runtime/pod/pin-arch';
import { hookSourcesCopy, ROOT } from '../helpers';
import { CROSS_COMPILER, needs, QEMU_AARCH64 } from '../needs';

const PIN = join(ROOT, 'hook', 'build', 'pin');
const describeWithPs = needs({ ps: 'procps' });
const describeWithFile = needs({ file: 'file' });
const describeWithAarch64 = needs({ ...CROSS_COMPILER, ...QEMU_AARCH64 });
const HOST = allowedCpus();
const LAST = HOST.at(-1)!;

describe('placement plans', () => {
  it('auto is same-cpu on the last allowed CPU; split puts the SUTs on the last but one', () => {
    expect(hostPlan('auto', [0, 1])).toEqual({ requested: 'auto', mode: 'same-cpu', loadgen: '1', sut: '1' });
    expect(hostPlan('split', [0, 1])).toEqual({ requested: 'split', mode: 'split', loadgen: '1', sut: '0' });
    expect(hostPlan('split', [2, 3, 6, 7])).toEqual({ requested: 'split', mode: 'split', loadgen: '7', sut: '6' });
    expect(hostPlan('same-cpu', [2, 3, 6, 7])).toMatchObject({ loadgen: '7', sut: '7' });
    // One CPU cannot be split: everything on it.
    expect(hostPlan('split', [5])).toMatchObject({ mode: 'same-cpu', loadgen: '5', sut: '5' });
    expect(hostPlan('off', [0, 1])).toEqual({ requested: 'off', mode: 'off', loadgen: null, sut: null });
  });

  it('the in-process loadgen’s other threads go to the CPUs the plan leaves free', () => {
    expect(helperCpus(hostPlan('same-cpu', [0, 1]), [0, 1])).toBe('0');
    expect(helperCpus(hostPlan('same-cpu', [2, 3, 6, 7]), [2, 3, 6, 7])).toBe('2,3,6');
    expect(helperCpus(hostPlan('split', [2, 3, 6, 7]), [2, 3, 6, 7])).toBe('2,3');
    // Nothing left free: they stay with the loadgen; nothing pinned: nothing to say.
    expect(helperCpus(hostPlan('split', [0, 1]), [0, 1])).toBeNull();
    expect(helperCpus(hostPlan('same-cpu', [5]), [5])).toBeNull();
    expect(helperCpus(hostPlan('off', [0, 1]), [0, 1])).toBeNull();
  });

  it('in a pod the CPUs are relative to each container’s allowed set', () => {
    expect(podPlacementPlan('auto')).toMatchObject({ mode: 'same-cpu', loadgen: '@-1', sut: '@-1' });
    expect(podPlacementPlan('split')).toMatchObject({ mode: 'split', loadgen: '@-1', sut: '@-2' });
    expect(podPlacementPlan('off')).toMatchObject({ mode: 'off', loadgen: null, sut: null });
  });

  it('parses CPU lists and Cpus_allowed_list', () => {
    expect(parseCpuList('0-2,5,7-8')).toEqual([0, 1, 2, 5, 7, 8]);
    expect(parseCpuList('3')).toEqual([3]);
    expect(() => parseCpuList('2-1')).toThrow(/bad CPU list/);
    expect(allowedCpus('Name:\tx\nCpus_allowed:\tf\nCpus_allowed_list:\t0-1,4\n')).toEqual([0, 1, 4]);
    // The same set taskset (util-linux) reports for this process.
    const taskset = execFileSync('taskset', ['-c', '-p', String(process.pid)], { encoding: 'utf8' }).split(':').at(-1)!.trim();
    expect(allowedCpus()).toEqual(parseCpuList(taskset));
  });

  it('four probes per round, between requests, spread over the round', () => {
    expect([...probePoints(400)]).toEqual([79, 159, 239, 319]);
    expect([...probePoints(20)]).toEqual([3, 7, 11, 15]);
  });

  it('the start order is a fair coin per round, reproducible from the seed', () => {
    const firsts = Array.from({ length: 2000 }, (_, r) => firstStarted(42, r));
    expect(firsts).toEqual(Array.from({ length: 2000 }, (_, r) => firstStarted(42, r)));
    const candidate = firsts.filter((f) => f === 'candidate').length;
    // Binomial(2000, 1/2): mean 1000, sd 22.4; +-4 sd.
    expect(Math.abs(candidate - 1000)).toBeLessThan(90);
  });
});

describe('observing where a process runs', () => {
  it('processorOf reads field 39 even when the command name has spaces and parentheses', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3)); // field 3 .. 52
    fields[39 - 3] = '7';
    expect(processorOf(`123 (a) b (c) ${fields.join(' ')}`)).toBe(7);
  });

  describeWithPs('against ps', () => {
    it('threadCpus agrees with a process taskset put on one CPU, and with ps', async () => {
      const child = spawn('taskset', ['-c', String(LAST), 'sh', '-c', 'while :; do :; done']);
      try {
        await new Promise((r) => setTimeout(r, 200));
        expect(threadCpus(child.pid!)).toEqual([LAST]);
        expect(execFileSync('ps', ['-o', 'psr=', '-p', String(child.pid)], { encoding: 'utf8' }).trim()).toBe(String(LAST));
      } finally {
        child.kill('SIGKILL');
      }
      expect(threadCpus(2 ** 22 + 1)).toEqual([]); // no such process
    });
  });
});

describe('the placement check', () => {
  const round = (r: number, differing: number, samples = 4): RoundPlacement => ({
    round: r, first: 'baseline', samples, differing, cpus: { baseline: [1], candidate: differing ? [0] : [1], loadgen: [1] },
  });
  const report = (rounds: RoundPlacement[], extra: Partial<PlacementReport> = {}): PlacementReport => ({
    requested: 'auto', mode: 'same-cpu', pinned: { loadgen: '1', sut: '1' }, allowed: [0, 1], rounds, ...extra,
  });

  it('passes when every sample saw both arms on the same CPUs', () => {
    expect(placementCheck(report([round(0, 0), round(1, 0)]))).toEqual({
      id: 'placement', status: 'pass', detail: 'same-cpu: loadgen on CPU 1, both SUT arms on CPU 1; both arms seen on the same CPUs in all 2 rounds',
    });
  });

  it('warns when the arms were seen apart, with counts', () => {
    const c = placementCheck(report([round(0, 0), round(1, 3), round(2, 1)], { mode: 'off', pinned: { loadgen: null, sut: null } }));
    expect(c.status).toBe('warn');
    expect(c.detail).toMatch(/^the arms ran on different CPUs in 2 of 3 rounds \(4 of 12 samples\); not pinned/);
  });

  it('warns when nothing was pinned, or placement could not be applied', () => {
    expect(placementCheck(report([round(0, 0)], { mode: 'off', pinned: { loadgen: null, sut: null } }))).toMatchObject({ status: 'warn', detail: 'not pinned (placement: off)' });
    expect(placementCheck(report([], { mode: 'off', pinned: { loadgen: null, sut: null }, note: 'the SUT containers run the image entrypoint' })).detail).toMatch(/image entrypoint/);
  });

  it('says so when placement is applied but not observed (Kubernetes)', () => {
    const c = placementCheck(report([round(0, 0, 0)], { pinned: { loadgen: '@-1', sut: '@-1' }, allowed: undefined }));
    expect(c).toEqual({
      id: 'placement', status: 'pass',
      detail: 'same-cpu: loadgen on the last allowed CPU, both SUT arms on the last allowed CPU; where the arms ran was not observed on this runtime',
    });
    expect(describeCpus('@-2', [0, 4, 6])).toBe('CPU 4 (the last but one allowed CPU)');
  });
});

let aarch64 = '';

/**
 * The pin wrapper on each architecture it has raw syscalls for: the native build, and the aarch64
 * build (ensureCrossPin: `make -C hook pin CC=aarch64-linux-gnu-gcc`) run by qemu-user, which passes the affinity
 * syscalls through to this kernel and hands the exec of a host program back to it (arm64 runners and
 * nodes run it natively). .ci/run installs the cross compiler and qemu-user.
 */
interface PinArch {
  arch: string;
  /** Builds the wrapper before the tests run. */
  build?: () => Promise<void>;
  run: (args: string[], options?: SpawnSyncOptions) => SpawnSyncReturns<string>;
  binary: () => string;
  file: RegExp;
}
const NATIVE: PinArch = { arch: 'native', run: (args, o) => spawnSync(PIN, args, { timeout: 30_000, ...o, encoding: 'utf8' }), binary: () => PIN, file: /statically linked/ };
const AARCH64: PinArch = {
  arch: 'aarch64 under qemu-user',
  // The product's own cross build (what an existing arm64 cluster's pods get), from the current
  // sources: in a copy of hook/, so no earlier build is reused.
  build: async () => {
    aarch64 = await ensureCrossPin('aarch64', hookSourcesCopy());
  },
  run: (args, o) => {
    // qemu-user is itself a dynamic host program: a preload goes to the guest (-E), not to it.
    const { LD_PRELOAD, ...env } = o?.env ?? process.env;
    const guest = LD_PRELOAD ? ['-E', `LD_PRELOAD=${LD_PRELOAD}`] : [];
    return spawnSync('qemu-aarch64', [...guest, aarch64, ...args], { timeout: 30_000, ...o, env, encoding: 'utf8' });
  },
  binary: () => aarch64,
  file: /ARM aarch64.*statically linked/,
};

describe.each([NATIVE])('hook/build/pin ($arch)', pinWrapperTests);
describeWithAarch64.each([AARCH64])('hook/build/pin ($arch)', pinWrapperTests);

function pinWrapperTests({ build, run, binary, file }: PinArch): void {
  if (build) beforeAll(build);
  const status = (args: string[], env: NodeJS.ProcessEnv = process.env) => run([...args, 'sh', '-c', 'grep Cpus_allowed_list /proc/self/status'], { env });

  it('pins what it execs: a list, @N and @-1 (counted in the allowed set)', () => {
    expect(status([String(HOST[0]), '--']).stdout).toMatch(new RegExp(`:\\s*${HOST[0]}\\n`));
    expect(status(['@0', '--']).stdout).toMatch(new RegExp(`:\\s*${HOST[0]}\\n`));
    expect(status(['@-1', '--']).stdout).toMatch(new RegExp(`:\\s*${LAST}\\n`));
    expect(run(['-l']).stdout.trim()).toBe(/^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
  });

  it('pins every thread of a running process (-p)', async () => {
    // node has several threads (V8 workers, libuv) from the start.
    const child = spawn(process.execPath, ['-e', 'console.log("up"); setTimeout(() => {}, 10000)']);
    try {
      await new Promise((r) => child.stdout.once('data', r)); // running JavaScript: its threads exist
      expect(run([String(LAST), '-p', String(child.pid)]).status).toBe(0);
      const tasks = execFileSync('ls', [`/proc/${child.pid}/task`], { encoding: 'utf8' }).trim().split('\n');
      expect(tasks.length).toBeGreaterThan(1);
      for (const t of tasks) expect(readFileSync(`/proc/${child.pid}/task/${t}/status`, 'utf8')).toMatch(new RegExp(`Cpus_allowed_list:\\s*${LAST}\\n`));
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('pins one thread only (-t), the others keep their CPUs', async () => {
    const child = spawn(process.execPath, ['-e', 'console.log("up"); setTimeout(() => {}, 10000)']);
    const affinity = (t: string) => /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync(`/proc/${child.pid}/task/${t}/status`, 'utf8'))![1];
    try {
      await new Promise((r) => child.stdout.once('data', r));
      expect(run([String(HOST[0]), '-p', String(child.pid)]).status).toBe(0);
      expect(run([String(LAST), '-t', String(child.pid)]).status).toBe(0);
      const tasks = execFileSync('ls', [`/proc/${child.pid}/task`], { encoding: 'utf8' }).trim().split('\n');
      expect(affinity(String(child.pid))).toBe(String(LAST));
      const others = tasks.filter((t) => t !== String(child.pid));
      expect(others.length).toBeGreaterThan(0);
      for (const t of others) expect(affinity(t)).toBe(String(HOST[0]));
    } finally {
      child.kill('SIGKILL');
    }
    const bad = run(['@0', '-t', 'main']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^usage: pin/);
  });

  describeWithFile('its file type', () => {
    it('is static: LD_PRELOAD loads the hook into the exec’d program only, once', () => {
      const r = run(['@0', '--', 'true'], { env: { ...process.env, LD_PRELOAD: join(ROOT, 'hook/build/noop.so'), HOOK_VERBOSE: '1' } });
      expect(r.status).toBe(0);
      expect(r.stderr.match(/hook-latency\[noop\]: loaded/g)).toHaveLength(1);
      expect(execFileSync('file', [binary()], { encoding: 'utf8' })).toMatch(file);
    });
  });

  it('bad input: exit 2 and one message; a missing program: exit 127', () => {
    const bad = run(['x', '--', 'true']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^pin: bad CPU list 'x'\n/);
    expect(run(['@99999', '--', 'true']).stderr).toMatch(/only \d+ CPUs are allowed/);
    const missing = run(['@0', '--', '/nonexistent/prog']);
    expect(missing.status).toBe(127);
    expect(missing.stderr).toMatch(/pin: \/nonexistent\/prog: No such file/);
  });
}
