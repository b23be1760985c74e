// The SUT not PID 1 of its container, for real under podman: an init (catatonit, static, so it never
// maps the hook) or a shell in front of it. The hook proof must look at the process listening on the
// port, and a hook that crashes the SUT must now kill it (PID 1 would ignore the SIGSEGV).
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildConfig, type RawConfig } from '../../src/config';
import { RoundFailedError, RunError } from '../../src/errors';
import { binaryRootfs, ensureImage, type RootfsSpec } from '../../src/runtime/pod/image';
import { PodmanRuntime } from '../../src/runtime/podman';
import { describeWithPodman, leftovers, ROOT } from './podman-helpers';
import { firstStarted, slotPorts } from '../../src/experiment/schedule';

const SUT = resolve(ROOT, 'examples/sut/build/sut');
const HOOKS = resolve(ROOT, 'hook/build');

/** The example SUT at /app/sut beside a shell, cat, readlink and catatonit (what a real image might carry). */
export async function initImage(): Promise<string> {
  const parts: RootfsSpec[] = [
    await binaryRootfs(SUT, [`${HOOKS}/noop.so`, `${HOOKS}/crash.so`], '/app'),
    await binaryRootfs('/usr/bin/dash', [], '/bin', 'sh'),
    await binaryRootfs('/usr/bin/catatonit', [], '/sbin'),
    await binaryRootfs('/usr/bin/cat', [], '/bin'),
    await binaryRootfs('/usr/bin/readlink', [], '/bin'),
  ];
  const files: RootfsSpec['files'] = [];
  for (const f of parts.flatMap((p) => p.files)) if (!files.some((x) => x.to === f.to)) files.push(f);
  return ensureImage('podman', 'hook-latency-initsut', { files });
}

/** Registered from podman-e2e.test.ts, so all podman tests run in one file, one after another. */
export function sutNotPid1UnderPodman(): void {
  describeWithPodman()('podman: the SUT is not PID 1 of its container', () => {
    let image = '';
    const runtimes: PodmanRuntime[] = [];
    beforeAll(async () => {
      image = await initImage();
    }, 300_000);
    afterAll(async () => {
      for (const rt of runtimes) await rt.teardown();
    });

    const runtime = (command: string[], hook: string, extra: RawConfig = {}) => {
      const rt = new PodmanRuntime(
        buildConfig({
          runtime: 'podman',
          sut: { image, command, 'ready-path': '/healthz', ...((extra.sut as RawConfig) ?? {}) },
          hook: `${HOOKS}/${hook}`,
          'requests-per-round': 200,
          'warmup-requests': 10,
          seed: 5,
          ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'sut')),
        }),
      );
      runtimes.push(rt);
      return rt;
    };

    it('an init as PID 1 (catatonit): the SUT it starts is proven hooked and the round is measured', async () => {
      const rt = runtime(['/sbin/catatonit', '--', '/app/sut'], 'noop.so');
      const out = await rt.runRound(0);
      expect(out?.data.arm.length).toBe(200);
      await rt.teardown();
      expect(leftovers(rt.runId)).toEqual([]);
    }, 120_000);

    it('a shell entrypoint that maps the hook while the SUT it starts does not: "hook was not loaded"', async () => {
      // `; exit $?` keeps dash from exec-ing the SUT in its place: the shell stays PID 1, hooked.
      const rt = runtime(['/bin/sh', '-c', 'LD_PRELOAD= /app/sut; exit $?'], 'noop.so');
      const err = await rt.runRound(0).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RunError);
      expect((err as Error).message).toMatch(
        new RegExp(`^hook was not loaded: /hook-latency/hook/noop\\.so is not mapped in hook-latency-\\w+-r0-sut-candidate \\(pid \\d+, listening on port ${slotPorts(firstStarted(5, 0), 8080, 8081).candidate}\\)`), // seed 5's coin
      );
      await rt.teardown();
      expect(leftovers(rt.runId)).toEqual([]);
    }, 120_000);

    it('crash.so kills a SUT that is not PID 1: the round fails naming SIGSEGV and keeps its samples', async () => {
      const rt = runtime(['/sbin/catatonit', '--', '/app/sut'], 'crash.so', { sut: { env: { HOOK_CRASH_AFTER: '60' } } });
      const err = await rt.runRound(0).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RoundFailedError);
      expect((err as Error).message).toMatch(/^round 0: a SUT container stopped during the round\n\S+-sut-candidate exited with 139 \(SIGSEGV\)/);
      const partial = (err as RoundFailedError).partial;
      expect(partial?.arm.length).toBe(200);
      expect([...(partial?.status ?? [])].filter((s) => s === 0).length).toBeGreaterThan(0);
      await rt.teardown();
      expect(leftovers(rt.runId)).toEqual([]);
    }, 120_000);
  });
}
