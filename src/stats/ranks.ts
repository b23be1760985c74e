/**
 * Mid-ranks with tie information (average ranks for ties), as used by the Wilcoxon /
 * Mann-Whitney statistics; E. L. Lehmann, "Nonparametrics: Statistical Methods Based on
 * Ranks" (1975), section 1.4. Equivalent to scipy.stats.rankdata(method='average').
 */

export interface MidRanks {
  /** 1-based mid-ranks, in input order. */
  ranks: Float64Array;
  /** Sum over tie groups of (t^3 - t). */
  tieSum: number;
}

/** Mid-ranks of `values`. Throws on NaN (ranks of NaN are undefined). Empty input -> empty ranks. */
export function midRanks(values: ArrayLike<number>): MidRanks {
  const n = values.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(values[i]!)) throw new Error('midRanks: NaN in input');
    order[i] = i;
  }
  order.sort((a, b) => {
    const va = values[a]!;
    const vb = values[b]!;
    return va < vb ? -1 : va > vb ? 1 : 0;
  });
  const ranks = new Float64Array(n);
  let tieSum = 0;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    const v = values[order[i]!]!;
    while (j < n && values[order[j]!]! === v) j++;
    const t = j - i;
    const rank = (i + 1 + j) / 2; // mean of ranks i+1 .. j
    for (let k = i; k < j; k++) ranks[order[k]!] = rank;
    if (t > 1) tieSum += t * t * t - t;
    i = j;
  }
  return { ranks, tieSum };
}
