/**
 * Long-run variance of a short series by the Bartlett kernel (W. K. Newey & K. D. West,
 * "A simple, positive semi-definite, heteroskedasticity and autocorrelation consistent covariance
 * matrix", Econometrica 55 (1987) 703-708), about the series' mean:
 *   V = sum_{|k| <= L} w_k sum_t y_t y_{t+k},  y = x - mean(x),  w_k = 1 - |k| / (L + 1),
 * an estimate of Var(sum x) that counts the covariance of neighbours up to lag L. The Bartlett
 * weights make V >= 0 for every series.
 */

/** Bandwidth floor(R^(1/3)): grows with the series, slower than it (the Newey & West 1994 rate). */
export function bartlettBandwidth(length: number): number {
  return length < 1 ? 0 : Math.floor(Math.cbrt(length) + 1e-9);
}

/** V as above; with L = 0 the sum of squared deviations. */
export function bartlettLongRunVariance(x: ArrayLike<number>, bandwidth: number): number {
  const n = x.length;
  let mean = 0;
  for (let t = 0; t < n; t++) mean += x[t]!;
  mean /= n || 1;
  let v = 0;
  for (let t = 0; t < n; t++) v += (x[t]! - mean) ** 2;
  for (let k = 1; k <= bandwidth; k++) {
    let acc = 0;
    for (let t = 0; t + k < n; t++) acc += (x[t]! - mean) * (x[t + k]! - mean);
    v += 2 * (1 - k / (bandwidth + 1)) * acc;
  }
  return v;
}
