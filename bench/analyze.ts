// `analyze` of 1 000 000 samples (20 rounds) end to end, beside NumPy loadtxt + SciPy mannwhitneyu
// on the same file; and the pooled Hodges-Lehmann estimate with its CI for 50 000 x 50 000 samples.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { prepareRound } from '../src/experiment/prepared-round';
import { budgetShift, pooledShift, shiftInterval } from '../src/experiment/analysis';
import { writeSamples } from '../src/samples/write';
import { hodgesLehmann } from '../src/stats';
import { buildReplay } from '../src/study/replay-builder';
import type { RoundData } from '../src/types';

export async function benchAnalyze(traces: Float64Array[], dir: string, cli: string): Promise<string[]> {
  const file = join(dir, 'million.csv');
  const rounds: RoundData[] = [];
  for (let r = 0; r < 20; r++) {
    const trace = traces[r % traces.length];
    const [round] = buildReplay(trace.subarray(r % 2 ? 0 : trace.length - 50_000), {
      start: 0, requestsPerRound: 50_000, seed: r, effect: 0.02, instanceSd: 0.005,
    });
    rounds.push({ ...round, round: r });
  }
  writeSamples(file, rounds);
  const ours = timeBest(3, () => spawnSync(process.execPath, [cli, 'analyze', file, '--json'], { encoding: 'utf8' }));
  const py = `
import sys, numpy as np
from scipy.stats import mannwhitneyu
d = np.loadtxt(sys.argv[1], delimiter=',', skiprows=1, usecols=(1, 3), dtype=str)
lat = d[:, 1].astype(np.float64)
cand = d[:, 0] == 'candidate'
print(mannwhitneyu(lat[cand], lat[~cand], alternative='greater').pvalue)`;
  const theirs = timeBest(3, () => spawnSync('python3', ['-c', py, file], { encoding: 'utf8' }));
  const lines = [
    `analyze, 1 000 000 samples in 20 rounds (hook-latency analyze, whole process): ${ours.toFixed(2)} s`,
    `NumPy loadtxt + SciPy mannwhitneyu on the same file (whole process): ${theirs.toFixed(2)} s`,
    `  ratio: ours takes ${(ours / theirs).toFixed(2)}x the time of NumPy + SciPy ${ours <= theirs ? '(not slower)' : '(SLOWER)'}`,
  ];
  lines.push(...benchHodgesLehmann(traces[0], traces[1]));
  return lines;
}

function benchHodgesLehmann(a: Float64Array, b: Float64Array): string[] {
  const x = a.subarray(0, 50_000).map(Math.log);
  const y = b.subarray(0, 50_000).map(Math.log);
  let t0 = performance.now();
  const hl = hodgesLehmann(x, y);
  const tHl = performance.now() - t0;
  // The same 50 000 + 50 000 samples as 10 rounds (the unit the pooled interval needs).
  t0 = performance.now();
  const prepared = Array.from({ length: 10 }, (_, r) => {
    const arm = new Uint8Array(10_000);
    arm.fill(1, 5_000);
    const latencyNs = new Float64Array(10_000);
    latencyNs.set(a.subarray(r * 5_000, (r + 1) * 5_000));
    latencyNs.set(b.subarray(r * 5_000, (r + 1) * 5_000), 5_000);
    return prepareRound({ round: r, arm, seq: new Float64Array(10_000), latencyNs, startNs: null, status: null });
  });
  const shift = pooledShift(prepared, 'log');
  const ci = shiftInterval(prepared, 0.025, 'log', budgetShift({ relative: 0 }, 'log', NaN), shift);
  const tCi = performance.now() - t0;
  return [
    `Hodges-Lehmann, 50 000 x 50 000 (selection, no difference matrix): ${tHl.toFixed(0)} ms (estimate ${Math.expm1(hl).toFixed(4)})`,
    `pooled shift + 95 % CI by test inversion, 50 000 + 50 000 samples in 10 rounds: ${tCi.toFixed(0)} ms (${Math.expm1(shift).toFixed(4)} [${ci.relative.map((v) => v.toFixed(4)).join(', ')}])`,
  ];
}

function timeBest(n: number, f: () => { status: number | null; stderr: string }): number {
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = f();
    if (r.status !== 0 && r.status !== 1) throw new Error(`bench command failed: ${r.stderr}`);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}
