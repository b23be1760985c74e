/**
 * Marginal Standard Error Rule for truncating the initial transient: K. P. White,
 * "An effective truncation heuristic for bias reduction in simulation output", Simulation 69
 * (1997) 323-334; batch means of 5 (MSER-5) per S. C. Spratt, MSc thesis, University of
 * Virginia (1998) and White, Cobb & Spratt, WSC 2000.
 *
 * With batch means Y_1..Y_k (incomplete tail batch dropped), for d = 0..k-2:
 *   z(d) = sum_{i>d} (Y_i - mean_{i>d})^2 / (k - d)^2,
 * d* = first argmin, cut = batchSize * d* observations; the rule is trusted (valid) when
 * d* <= k / 2.
 */

export interface MserResult {
  /** Number of leading observations to delete. */
  cut: number;
  /** Number of complete batches k. */
  batches: number;
  /** d* <= k/2 (false also when there are fewer than 2 batches, with cut 0). */
  valid: boolean;
}

/** Batch means of `size` consecutive observations; the incomplete tail batch is dropped. */
export function batchMeans(series: ArrayLike<number>, size: number): Float64Array {
  const k = Math.floor(series.length / size);
  const out = new Float64Array(k);
  for (let b = 0; b < k; b++) {
    let s = 0;
    for (let i = b * size; i < (b + 1) * size; i++) s += series[i]!;
    out[b] = s / size;
  }
  return out;
}

/**
 * The MSER statistic z(d) for d = 0..k-2, O(k) with suffix sums of the batch means, centred on
 * their overall mean to limit cancellation. Throws on a non-positive-integer batch size or
 * non-finite data.
 */
function mserStatistic(series: ArrayLike<number>, batchSize: number): { stat: Float64Array; batches: number } {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`mser: invalid batch size ${batchSize}`);
  for (let i = 0; i < series.length; i++) {
    if (!Number.isFinite(series[i]!)) throw new Error('mser: non-finite value in series');
  }
  const y = batchMeans(series, batchSize);
  const k = y.length;
  const stat = new Float64Array(Math.max(0, k - 1));
  let centre = 0;
  for (let i = 0; i < k; i++) centre += y[i]!;
  centre /= k;
  let s1 = 0;
  let s2 = 0;
  // Walk d from k-1 down to 0 accumulating suffix sums over i >= d (0-based: i = d..k-1).
  for (let d = k - 1; d >= 0; d--) {
    const v = y[d]! - centre;
    s1 += v;
    s2 += v * v;
    if (d <= k - 2) {
      const c = k - d;
      stat[d] = Math.max(0, s2 - (s1 * s1) / c) / (c * c);
    }
  }
  return { stat, batches: k };
}

/** First index of the minimum of stat[0..last]. */
function argmin(stat: Float64Array, last: number): number {
  let best = Infinity;
  let bestD = 0;
  for (let d = 0; d <= last; d++) {
    if (stat[d]! < best) {
      best = stat[d]!;
      bestD = d;
    }
  }
  return bestD;
}

/** MSER with the given batch size (1 = plain MSER, 5 = MSER-5), searching every d. */
export function mser(series: ArrayLike<number>, batchSize: number): MserResult {
  const { stat, batches: k } = mserStatistic(series, batchSize);
  if (k < 2) return { cut: 0, batches: k, valid: false };
  const d = argmin(stat, k - 2);
  return { cut: d * batchSize, batches: k, valid: d <= k / 2 };
}

/**
 * The truncation the gate applies: MSER-5 with the search restricted to the first half of the
 * batches. On heavy-tailed latencies the unrestricted statistic, whose denominator (k-d)^2 shrinks
 * fast, often finds spurious minima near the end (Hoad, Robinson & Davies, J. Oper. Res. Soc. 62
 * (2011), who recommend this restriction); valid when d* < floor(k/2), i.e. the transient ended
 * within the first half, as White's rule requires.
 */
export function mserTruncation(series: ArrayLike<number>, batchSize = 5): MserResult {
  const { stat, batches: k } = mserStatistic(series, batchSize);
  if (k < 2) return { cut: 0, batches: k, valid: false };
  const half = Math.floor(k / 2);
  const d = argmin(stat, Math.min(half, k - 2));
  return { cut: d * batchSize, batches: k, valid: d < half };
}
