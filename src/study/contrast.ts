// What a plain Mann-Whitney test says about sequential runs (A then B, as the paper measured)
// versus the interleaved design, on the same traces.
import { mannWhitney } from '../stats';
import { Prng } from '../experiment/prng';

export interface SequentialContrast {
  trials: number;
  /** Share of A-then-B comparisons of the SAME app that a plain two-sided Mann-Whitney calls different. */
  falseDifferenceRate: number;
}

/**
 * Two consecutive blocks of `n` requests of one trace (after `warmup`), compared by a plain
 * Mann-Whitney test as if they were two runs: same app, so every "difference" is a false positive.
 */
export function sequentialAA(trace: Float64Array, n: number, trials: number, seed: number, warmup = 4000): SequentialContrast {
  const rng = new Prng(seed);
  let hits = 0;
  for (let t = 0; t < trials; t++) {
    const start = warmup + rng.nextInt(trace.length - warmup - 2 * n);
    const a = trace.subarray(start, start + n);
    const b = trace.subarray(start + n, start + 2 * n);
    if (mannWhitney(a, b, { alternative: 'two-sided' }).p < 0.05) hits++;
  }
  return { trials, falseDifferenceRate: hits / trials };
}
