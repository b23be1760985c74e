/**
 * Lag-1 sample autocorrelation, r_1 = sum_{t} (x_t - mean)(x_{t+1} - mean) / sum_t (x_t - mean)^2
 * (G. E. P. Box & G. M. Jenkins, "Time Series Analysis" (1970), eq. 2.1.12 at k = 1).
 */

/** r_1 of the series; 0 for n < 3 or a constant series. */
export function lag1(series: ArrayLike<number>): number {
  const n = series.length;
  if (n < 3) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += series[i]!;
  mean /= n;
  let num = 0;
  let den = 0;
  let prev = series[0]! - mean;
  den += prev * prev;
  for (let i = 1; i < n; i++) {
    const cur = series[i]! - mean;
    num += prev * cur;
    den += cur * cur;
    prev = cur;
  }
  return den > 0 ? num / den : 0;
}
