// The podman runtime for real: the whole gate (engine + sequential controller) on the example SUT,
// A/A with the no-op hook and the 20 us delay hook, then nothing left behind.
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildConfig, loadConfigFile } from '../../src/config';
import { runGate } from '../../src/engine';
import { createRuntime } from '../../src/runtimes';
import type { PodmanRuntime } from '../../src/runtime/podman';
import { ensurePodman, leftovers, podmanList, ROOT } from './podman-helpers';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}

async function gate(file: string) {
  const config = buildConfig({ ...loadConfigFile(resolve(ROOT, file)), seed: 7 });
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

describe('podman runtime, end to end', () => {
  beforeAll(() => ensurePodman(), 600_000);

  it('A/A with the no-op hook is not a regression, and leaves nothing behind', async () => {
    const { verdict, runtime } = await gate('examples/podman/aa.yml');
    expect(verdict.verdict).not.toBe('regression');
    expect(verdict.runtime).toBe('podman');
    expect(verdict.checks.find((c) => c.id === 'same-pod')?.status).toBe('pass');
    expect(verdict.checks.some((c) => c.id === 'cpu-throttling')).toBe(true);
    expect(leftovers(runtime.runId)).toEqual([]);
  }, 120_000);

  it('the 20 us delay hook is a regression with a shift close to its cost', async () => {
    const { verdict, runtime } = await gate('examples/podman/slow.yml');
    expect(verdict.verdict).toBe('regression');
    // delay.so busy-waits 20 us per read(); a keep-alive request costs about one read.
    expect(verdict.shift.ns).toBeGreaterThan(12_000);
    expect(verdict.shift.ns).toBeLessThan(40_000);
    expect(leftovers(runtime.runId)).toEqual([]);
    expect(podmanList(['pod', 'ls', '-q'])).toEqual([]);
  }, 120_000);
});
